package io.kafkautility.benchmarks;

import io.kafkautility.MessageHeaders;
import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketSessionManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The chat backend scaled out: {@code instances} response consumers in broadcast mode (every instance reads every
 * partition), each holding {@code sessionsPerInstance} sessions, and streamed answers (DELTA records, then the FINAL one,
 * as the LLM client writes them with their {@code ku_session} header) at a fixed record rate. Latency from the record's
 * timestamp to the frame handed to its session, against a raw consumer polling the same records in the same run; every
 * frame accounted for (lost = frames produced for waiting sessions and never handed over); and the CPU one more
 * instance, holding no session, spends reading everybody else's replies (its poll and worker threads).
 */
final class ScaleOutBench {

    private static final Pattern FRAME = Pattern.compile("\"questionId\":\"([^\"]+)\",\"seq\":(\\d+)");

    record Outcome(List<Double> rawMillis, List<Double> oursMillis, long produced, long delivered,
                   double observerCpuMillis, double seconds, long recordsRead, double rawCpuMillis) {
    }

    private final String bootstrap;
    private final String registryUrl;

    ScaleOutBench(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    Outcome run(String topic, int instances, int sessionsPerInstance, int recordsPerSecond, int deltasPerAnswer,
                Duration duration) throws Exception {
        Map<String, Long> producedAt = new ConcurrentHashMap<>();
        List<Double> ours = Collections.synchronizedList(new ArrayList<>());
        List<Double> raw = Collections.synchronizedList(new ArrayList<>());
        AtomicLong delivered = new AtomicLong();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
        List<WebSocketSessionManager> managers = new ArrayList<>();
        List<KafkaResponseConsumer> consumers = new ArrayList<>();
        int total = instances * sessionsPerInstance;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "linger.ms", 0), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> rawConsumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // instance i holds sessions i, i + instances, ...; one more instance (the observer) holds none
            for (int i = 0; i <= instances; i++) {
                WebSocketSessionManager manager = WebSocketSessionManager.create(SessionManagerOptions.builder()
                        .maxSessions(total).questionTimeout(Duration.ofMinutes(5)).build());
                if (i < instances) {
                    for (int s = i; s < total; s += instances) {
                        manager.register(new RoutingBench.NoopConnection("s-" + s, frame -> {
                            Matcher m = FRAME.matcher(frame);
                            if (m.find()) {
                                Long t = producedAt.get(m.group(1) + ":" + m.group(2));
                                if (t != null) {
                                    delivered.incrementAndGet();
                                    if (t >= measureFrom.get()) {
                                        ours.add((System.currentTimeMillis() - t) * 1.0);
                                    }
                                }
                            }
                        }));
                    }
                }
                managers.add(manager);
                KafkaResponseConsumer consumer = KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                        .connection(connection).topic(topic).resumeWindow(Duration.ofSeconds(60))
                        .schemaRegistry(SchemaRegistryOptions.builder(registryUrl).build()).build(), manager);
                consumers.add(consumer.start());
            }
            for (KafkaResponseConsumer c : consumers) {
                c.ready().get(60, TimeUnit.SECONDS);
            }
            List<TopicPartition> partitions = rawConsumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            rawConsumer.assign(partitions);
            rawConsumer.seekToEnd(partitions);
            partitions.forEach(rawConsumer::position);
            int measured = (int) (recordsPerSecond * duration.toSeconds());
            int warmup = recordsPerSecond; // one second, not measured: JIT, first registry lookup
            int records = warmup + measured;
            AtomicLong rawSeen = new AtomicLong();
            AtomicLong rawCpu = new AtomicLong();
            Thread rawThread = new Thread(() -> {
                long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (var r : rawConsumer.poll(Duration.ofMillis(50))) {
                            rawSeen.incrementAndGet();
                            if (r.timestamp() >= measureFrom.get()) {
                                raw.add((System.currentTimeMillis() - r.timestamp()) * 1.0);
                            }
                        }
                    }
                } catch (org.apache.kafka.common.errors.InterruptException done) {
                    // the run is over
                }
                rawCpu.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0);
            }, "raw-scale-out-baseline");
            rawThread.start();

            Schema schema = RagResponseAvro.schema();
            AvroWireEncoder encoder = AvroWireEncoder.create(SchemaRegistryClient.create(
                    SchemaRegistryOptions.builder(registryUrl).build()), topic + "-value", schema);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = observerCpu(threads, topic);
            long intervalNanos = 1_000_000_000L / recordsPerSecond;
            long next = System.nanoTime();
            long t0 = System.nanoTime();
            int session = 0;
            int produced = 0;
            int question = 0;
            while (produced < records) {
                int owner = session % instances; // instance i holds sessions i, i + instances, ...
                String s = "s-" + session;
                session = (session + 1) % total;
                String q = "q-" + question++;
                if (managers.get(owner).beginQuestion(s, q)
                        != WebSocketSessionManager.Admission.ACCEPTED) {
                    continue; // still answering this session's previous question
                }
                for (int seq = 0; seq <= deltasPerAnswer && produced < records; seq++) {
                    if (produced == warmup) {
                        measureFrom.set(System.currentTimeMillis());
                    }
                    boolean last = seq == deltasPerAnswer;
                    Instant now = Instant.now();
                    RagResponse reply = last ? new RagResponse(s, q, "answer of " + q, List.of(),
                            RagResponse.Status.SUCCESS, null, now, RagResponse.Kind.FINAL, seq, "")
                            : RagResponse.delta(s, q, seq, "token" + seq + " ", now);
                    byte[] value = encoder.encode(RagResponseAvro.toAvro(reply, schema));
                    RecordHeaders headers = new RecordHeaders();
                    byte[] key = s.getBytes(StandardCharsets.UTF_8);
                    headers.add(MessageHeaders.SESSION_ID, key);
                    producedAt.put(q + ":" + seq, now.toEpochMilli());
                    producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), key, value, headers));
                    produced++;
                    next += intervalNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                }
            }
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((delivered.get() < producedAt.size() || rawSeen.get() < producedAt.size())
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double observerCpu = (observerCpu(threads, topic) - cpuBefore) / 1e6;
            rawThread.interrupt();
            rawThread.join(5000);
            return new Outcome(new ArrayList<>(raw), new ArrayList<>(ours), producedAt.size(), delivered.get(),
                    observerCpu, seconds, rawSeen.get(), rawCpu.get() / 1e6);
        } finally {
            consumers.forEach(KafkaResponseConsumer::close);
            managers.forEach(WebSocketSessionManager::close);
        }
    }

    /**
     * CPU time of the observer instance's threads (the last one started: its loop and worker are named after its
     * random consumer name, which the health component does not show, so: the threads of the newest response
     * consumer of this topic, told apart by their name's suffix order).
     */
    private static long observerCpu(ThreadMXBean threads, String topic) {
        long newest = -1;
        String suffix = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("ku-loop-response-" + topic + "-") && t.getId() > newest) {
                newest = t.getId();
                suffix = n.substring(("ku-loop-response-" + topic + "-").length());
            }
        }
        long cpu = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (suffix != null && t.getName().contains("response-" + topic + "-" + suffix)) {
                long c = threads.getThreadCpuTime(t.getId());
                cpu += Math.max(c, 0);
            }
        }
        return cpu;
    }
}
