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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One reply topic, an in-JVM schema registry, a session manager, a started response consumer (ready) and a producer
 * writing Confluent-framed replies like the LLM service will.
 */
final class ReplyFixture implements AutoCloseable {
    final KafkaCluster cluster;
    final String topic;
    final SchemaRegistryServer registry;
    final String registryUrl;
    final MeterRegistry meters = new SimpleMeterRegistry();
    final WebSocketSessionManager manager;
    final KafkaResponseConsumer consumer;
    final KafkaProducer<String, byte[]> producer;
    final Schema schema = RagResponseAvro.schema();
    final AvroWireEncoder encoder;
    final String questionsTopic;

    ReplyFixture(KafkaCluster cluster, UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, SchemaRegistryServer.start(), managerOptions, consumerOptions);
    }

    ReplyFixture(KafkaCluster cluster, SchemaRegistryServer registry,
                 UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, registry, registry.url(), managerOptions, consumerOptions);
    }

    /** With any Confluent-compatible registry at {@code registryUrl} (then {@link #registry} is null). */
    ReplyFixture(KafkaCluster cluster, String registryUrl,
                 UnaryOperator<SessionManagerOptions.Builder> managerOptions,
                 UnaryOperator<ResponseConsumerOptions.Builder> consumerOptions) {
        this(cluster, null, registryUrl, managerOptions, consumerOptions);
    }

    private ReplyFixture(KafkaCluster cluster, SchemaRegistryServer registry, String registryUrl,
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
        env.put("KAFKA_CONSUMER_GROUP_ID", TopicNames.unique("ui-group"));
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

    static RagResponse response(String sessionId, String questionId) {
        return new RagResponse(sessionId, questionId, "answer to " + questionId,
                List.of(new RagResponse.Source("doc-1", "Manual", 0.87), new RagResponse.Source("doc-2", null, null)),
                RagResponse.Status.SUCCESS, null, Instant.now());
    }

    byte[] encode(RagResponse r) {
        return encoder.encode(RagResponseAvro.toAvro(r, schema));
    }

    /** Produces a good reply and waits for the ack. */
    void reply(String sessionId, String questionId) {
        send(sessionId, encode(response(sessionId, questionId)));
    }

    /** Produces a good reply without waiting; call {@code producer.flush()} after a batch. */
    void replyAsync(String sessionId, String questionId) {
        producer.send(new ProducerRecord<>(topic, sessionId, encode(response(sessionId, questionId))), (md, e) -> {
            if (e != null) {
                System.err.println("produce failed: " + e);
            }
        });
    }

    void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
    }

    /** Asks through the manager; an accepted question is published to {@link #questionsTopic}. */
    WebSocketSessionManager.Admission ask(String sessionId, String questionId) {
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
    long questionsPublished() {
        producer.flush();
        try (var admin = cluster.admin()) {
            var tp = new org.apache.kafka.common.TopicPartition(questionsTopic, 0);
            return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(tp).offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    double count(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    TestConnection open(String id) {
        TestConnection c = new TestConnection(id);
        manager.register(c);
        return c;
    }

    @Override
    public void close() {
        consumer.stop();
        manager.close();
        producer.close(Duration.ofSeconds(5));
        if (registry != null) {
            registry.close();
        }
    }
}
