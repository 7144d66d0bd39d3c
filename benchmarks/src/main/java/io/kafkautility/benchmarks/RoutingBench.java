package io.kafkautility.benchmarks;

import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketConnection;
import io.kafkautility.response.WebSocketSessionManager;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Response routing: replies on {@code respostas} at a fixed rate for 10,000 waiting sessions. Latency from the
 * record's timestamp (set when produced) to the frame handed to the session, for the library (Avro decode, routing,
 * per-session send queue), against a raw consumer of the same records in the same run (poll only).
 */
final class RoutingBench {

    private static final Pattern QUESTION = Pattern.compile("\"questionId\":\"([^\"]+)\"");

    record Outcome(List<Double> rawMillis, List<Double> oursMillis, double bytesPerIdleSession) {
    }

    private final String bootstrap;
    private final String registryUrl;

    RoutingBench(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    /** Heap per idle registered session, measured by registering {@code sessions} no-op connections. */
    static double bytesPerIdleSession(int sessions) {
        try (WebSocketSessionManager manager = WebSocketSessionManager.create(SessionManagerOptions.builder()
                .maxSessions(sessions * 2).build())) {
            long before = usedAfterGc();
            for (int i = 0; i < sessions; i++) {
                manager.register(new NoopConnection("idle-" + i, null));
            }
            long after = usedAfterGc();
            double perSession = (after - before) / (double) sessions;
            if (manager.sessionCount() != sessions) {
                throw new IllegalStateException("sessions not registered");
            }
            return perSession;
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    Outcome run(String topic, int sessions, int ratePerSecond, Duration duration) throws Exception {
        return run(topic, sessions, ratePerSecond, duration, false);
    }

    /**
     * As {@link #run(String, int, int, Duration)}; with {@code flinkSchema} the replies are written with the schema a
     * Flink SQL job derives (nullable unions, a string status, another record name), decoded by field.
     */
    Outcome run(String topic, int sessions, int ratePerSecond, Duration duration, boolean flinkSchema)
            throws Exception {
        Map<String, Long> producedAt = new ConcurrentHashMap<>();
        List<Double> ours = Collections.synchronizedList(new ArrayList<>());
        List<Double> raw = Collections.synchronizedList(new ArrayList<>());
        int measured = (int) (ratePerSecond * duration.toSeconds());
        int warmup = ratePerSecond; // one second of traffic first, not measured: JIT, first registry lookup
        int total = warmup + measured;
        java.util.concurrent.atomic.AtomicLong measureFrom = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicInteger oursSeen = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger rawSeen = new java.util.concurrent.atomic.AtomicInteger();
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
        try (WebSocketSessionManager manager = WebSocketSessionManager.create(SessionManagerOptions.builder()
                .maxSessions(sessions * 2).questionTimeout(Duration.ofMinutes(5)).build());
             KafkaResponseConsumer consumer = KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                     .connection(connection).topic(topic).groupId("routing-" + UUID.randomUUID())
                     .schemaRegistry(SchemaRegistryOptions.builder(registryUrl).build()).build(), manager);
             KafkaConsumer<byte[], byte[]> rawConsumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                     "group.id", "routing-raw-" + UUID.randomUUID(), "auto.offset.reset", "latest"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "linger.ms", 0), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < sessions; i++) {
                manager.register(new NoopConnection("s-" + i, frame -> {
                    Matcher m = QUESTION.matcher(frame);
                    if (m.find()) {
                        Long t = producedAt.get(m.group(1));
                        if (t != null) {
                            oursSeen.incrementAndGet();
                            if (t >= measureFrom.get()) {
                                ours.add((System.currentTimeMillis() - t) * 1.0);
                            }
                        }
                    }
                }));
            }
            consumer.start();
            consumer.ready().get(60, TimeUnit.SECONDS);
            rawConsumer.subscribe(List.of(topic));
            long rawDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (rawConsumer.assignment().isEmpty() && System.nanoTime() < rawDeadline) {
                rawConsumer.poll(Duration.ofMillis(50));
            }
            Thread rawThread = new Thread(() -> {
                while (rawSeen.get() < total && !Thread.currentThread().isInterrupted()) {
                    for (var r : rawConsumer.poll(Duration.ofMillis(50))) {
                        rawSeen.incrementAndGet();
                        if (r.timestamp() >= measureFrom.get()) {
                            raw.add((System.currentTimeMillis() - r.timestamp()) * 1.0);
                        }
                    }
                }
            }, "raw-routing-baseline");
            rawThread.start();

            Schema schema = flinkSchema ? new Schema.Parser().parse(FlinkSchemas.NULLABLE) : RagResponseAvro.schema();
            AvroWireEncoder encoder = AvroWireEncoder.create(SchemaRegistryClient.create(
                    SchemaRegistryOptions.builder(registryUrl).build()), topic + "-value", schema);
            long intervalNanos = 1_000_000_000L / ratePerSecond;
            long next = System.nanoTime();
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    measureFrom.set(System.currentTimeMillis());
                }
                String session = "s-" + (i % sessions);
                String question = "q-" + i;
                if (manager.beginQuestion(session, question) != WebSocketSessionManager.Admission.ACCEPTED) {
                    continue; // the session still waits for its previous reply
                }
                byte[] value = encoder.encode(flinkSchema ? flinkReply(schema, session, question, "answer " + i)
                        : RagResponseAvro.toAvro(new RagResponse(session, question, "answer " + i, List.of(),
                        RagResponse.Status.SUCCESS, null, Instant.now()), schema));
                long now = System.currentTimeMillis();
                producedAt.put(question, now);
                producer.send(new ProducerRecord<>(topic, null, now, session.getBytes(StandardCharsets.UTF_8),
                        value));
                next += intervalNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((oursSeen.get() < producedAt.size() || rawSeen.get() < producedAt.size())
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            rawThread.interrupt();
            rawThread.join(5000);
        }
        return new Outcome(new ArrayList<>(raw), new ArrayList<>(ours), Double.NaN);
    }

    private static org.apache.avro.generic.GenericRecord flinkReply(Schema schema, String session, String question,
                                                                    String answer) {
        org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(schema);
        r.put("sessionId", session);
        r.put("questionId", question);
        r.put("answer", answer);
        r.put("status", "SUCCESS");
        r.put("timestamp", System.currentTimeMillis());
        return r;
    }

    /** A session that hands each frame to a callback and completes at once. */
    record NoopConnection(String id, java.util.function.Consumer<String> onFrame)
            implements WebSocketConnection {
        @Override
        public CompletionStage<Void> sendText(String text) {
            if (onFrame != null) {
                onFrame.accept(text);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }
    }
}
