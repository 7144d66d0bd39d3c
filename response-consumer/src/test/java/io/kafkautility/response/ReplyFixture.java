package io.kafkautility.response;

import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One reply topic, an in-JVM schema registry, a session manager, a started response consumer (ready) and a producer
 * writing Confluent-framed replies like the LLM service will. Public (in this module's test jar) for the reliability
 * suite's scenarios; not thread-safe except where noted; close it.
 */
public final class ReplyFixture implements AutoCloseable {
    public final KafkaCluster cluster;
    public final String topic;
    public final SchemaRegistryServer registry;
    public final String registryUrl;
    public final MeterRegistry meters = new SimpleMeterRegistry();
    public final WebSocketSessionManager manager;
    public final KafkaResponseConsumer consumer;
    public final KafkaProducer<String, byte[]> producer;
    public final Schema schema = RagResponseAvro.schema();
    public final AvroWireEncoder encoder;
    public final String questionsTopic;
    /** The response consumer's group. */
    public final String groupId = TopicNames.unique("ui-group");

    public ReplyFixture(KafkaCluster cluster, UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, SchemaRegistryServer.start(), managerOptions, consumerOptions);
    }

    public ReplyFixture(KafkaCluster cluster, SchemaRegistryServer registry,
                 UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, registry, registry.url(), managerOptions, consumerOptions);
    }

    /** With any Confluent-compatible registry at {@code registryUrl} (then {@link #registry} is null). */
    public ReplyFixture(KafkaCluster cluster, String registryUrl,
                 UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, null, registryUrl, managerOptions, consumerOptions);
    }

    /**
     * With the stub {@code registry} reached at {@code registryUrl} (e.g. through a
     * {@link io.kafkautility.testkit.fault.TcpFaultProxy} in front of it); {@code registry} may be null for any other
     * Confluent-compatible registry.
     */
    public ReplyFixture(KafkaCluster cluster, SchemaRegistryServer registry, String registryUrl,
                         UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                         UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this.cluster = cluster;
        this.registryUrl = registryUrl;
        this.topic = TopicNames.unique("respostas");
        cluster.createTopic(topic, 3, (short) 1);
        this.questionsTopic = TopicNames.unique("perguntas");
        cluster.createTopic(questionsTopic, 1, (short) 1);
        this.registry = registry;
        this.manager = WebSocketSessionManager.create(
                managerOptions.apply(SessionManagerOptions.builder().meterRegistry(meters)).build());
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
        env.put("KAFKA_SCHEMA_REGISTRY_URL", registryUrl);
        env.put("KAFKA_CONSUMER_GROUP_ID", groupId);
        this.consumer = KafkaResponseConsumer.create(consumerOptions.apply(ResponseConsumerOptions
                .fromEnvironment(env).topic(topic).meterRegistry(meters)).build(), manager);
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.encoder = AvroWireEncoder.create(SchemaRegistryClient.create(
                SchemaRegistryOptions.builder(registryUrl).build()), AvroWireFormat.valueSubject(topic), schema);
        consumer.start();
        consumer.ready().orTimeout(60, TimeUnit.SECONDS).join();
    }

    public static RagResponse response(String sessionId, String questionId) {
        return new RagResponse(sessionId, questionId, "answer to " + questionId,
                List.of(new RagResponse.Source("doc-1", "Manual", 0.87), new RagResponse.Source("doc-2", null, null)),
                RagResponse.Status.SUCCESS, null, Instant.now());
    }

    public byte[] encode(RagResponse r) {
        return encoder.encode(RagResponseAvro.toAvro(r, schema));
    }

    /** Produces a good reply and waits for the ack. */
    public void reply(String sessionId, String questionId) {
        send(sessionId, encode(response(sessionId, questionId)));
    }

    /** Produces a good reply without waiting; call {@code producer.flush()} after a batch. */
    public void replyAsync(String sessionId, String questionId) {
        producer.send(new ProducerRecord<>(topic, sessionId, encode(response(sessionId, questionId))), (md, e) -> {
            if (e != null) {
                System.err.println("produce failed: " + e);
            }
        });
    }

    public void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
    }

    /** Asks through the manager; an accepted question is published to {@link #questionsTopic}. */
    public WebSocketSessionManager.Admission ask(String sessionId, String questionId) {
        return manager.ask(sessionId, questionId, () -> {
            java.util.concurrent.CompletableFuture<Void> sent = new java.util.concurrent.CompletableFuture<>();
            producer.send(new ProducerRecord<>(questionsTopic, sessionId,
                    ("question " + questionId).getBytes(java.nio.charset.StandardCharsets.UTF_8)), (md, e) -> {
                        if (e == null) {
                            sent.complete(null);
                        } else {
                            sent.completeExceptionally(e);
                        }
                    });
            return sent;
        });
    }

    /** Records in the questions topic (its end offset). */
    public long questionsPublished() {
        producer.flush();
        try (var admin = cluster.admin()) {
            var tp = new org.apache.kafka.common.TopicPartition(questionsTopic, 0);
            return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(tp).offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public double count(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    public TestConnection open(String id) {
        TestConnection c = new TestConnection(id);
        manager.register(c);
        return c;
    }

    /**
     * A reply in a newer schema version of {@link #topic} (an extra field with a default), registered in the stub
     * registry but never fetched by the consumer: decoding it needs the registry.
     *
     * @throws NullPointerException if this fixture uses an external registry (then {@link #registry} is null)
     */
    public byte[] newerSchemaReply(String sessionId, String questionId, String answer) {
        String json = schema.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"model\",\"type\":\"string\",\"default\":\"unknown\"},");
        Schema v2 = new Schema.Parser().parse(json);
        int id = registry.register(AvroWireFormat.valueSubject(topic), v2.toString());
        GenericRecord old = RagResponseAvro.toAvro(new RagResponse(sessionId, questionId, answer, List.of(),
                RagResponse.Status.SUCCESS, null, Instant.now()), schema);
        GenericRecord r = new GenericData.Record(v2);
        for (Schema.Field field : schema.getFields()) {
            r.put(field.name(), old.get(field.name()));
        }
        r.put("model", "llm-x");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AvroWireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(v2).write(r, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        consumer.close();
        manager.close();
        producer.close(Duration.ofSeconds(5));
        if (registry != null) {
            registry.close();
        }
    }
}
