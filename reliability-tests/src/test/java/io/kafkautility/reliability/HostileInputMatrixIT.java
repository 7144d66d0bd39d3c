package io.kafkautility.reliability;

import static io.kafkautility.reliability.BadInputSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestRejectedException;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.response.ReplyFixture;
import io.kafkautility.response.TestConnection;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One hostile-input matrix against all four consumers of the library, each on the one consumer engine: the
 * {@link MessageConsumer}, the {@link Responder}, the request-reply client's reply listener and the
 * {@code KafkaResponseConsumer}. Every case is built from a record the consumer would accept (its template) and is
 * written by a raw producer to every partition of the consumer's topic, between two halves of a stream of good
 * messages sent through the library: null key and value, empty, garbage and truncated values, every library header
 * empty / not UTF-8 / 10 KiB / negative, no headers at all, a wrong content type, the same record twice, and the
 * consumer's own unknown-type case. For each consumer: every good message is handled, every record it read is
 * finished exactly once under one of its counted outcomes (dead-lettered or skipped with a reason, or handled when
 * the mutation was harmless), its offsets reach the end of every partition it reads, it is still ready, and the
 * marker planted in every hostile payload appears in no log line.
 */
@KafkaTest
class HostileInputMatrixIT {

    private static final int PARTITIONS = 3;
    private static final int GOOD = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Every header a consumer of the library reads. */
    private static final List<String> LIBRARY_HEADERS = List.of(MessageHeaders.CONTENT_TYPE, MessageHeaders.MESSAGE_ID,
            MessageHeaders.MESSAGE_TYPE, MessageHeaders.CORRELATION_ID, MessageHeaders.REPLY_TO,
            MessageHeaders.REPLY_PARTITION, MessageHeaders.DEADLINE, MessageHeaders.REPLY_ERROR,
            MessageHeaders.REPLY_ERROR_TYPE, MessageHeaders.REPLY_ERROR_ID, MessageHeaders.CHUNK_SEQUENCE,
            MessageHeaders.CHUNK_FINAL, MessageHeaders.TRACEPARENT, MessageHeaders.SESSION_ID, "tracestate",
            "ce_specversion", "ce_id",
            "ce_type", "ce_source");
    private static final Map<String, byte[]> HEADER_VARIANTS = new LinkedHashMap<>();

    static {
        HEADER_VARIANTS.put("empty", new byte[0]);
        HEADER_VARIANTS.put("not-utf8", new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, 0, 0x1b, '['});
        HEADER_VARIANTS.put("10KiB", "9".repeat(10 * 1024).getBytes(StandardCharsets.UTF_8));
        HEADER_VARIANTS.put("negative", "-1".getBytes(StandardCharsets.UTF_8));
    }

    static Stream<String> consumers() {
        return Stream.of("MessageConsumer", "Responder", "ReplyListener", "KafkaResponseConsumer",
                "KafkaResponseConsumer-group");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consumers")
    void everyHostileRecordIsFinishedOnceAndCountedWhileEveryGoodOneIsHandled(String which, KafkaCluster cluster)
            throws Exception {
        String marker = "HOSTILE-MARKER-" + BadInputSupport.random(12);
        try (BadInputSupport.StdCapture logs = new BadInputSupport.StdCapture();
             Subject subject = switch (which) {
                 case "MessageConsumer" -> new MessageConsumerSubject(cluster);
                 case "Responder" -> new ResponderSubject(cluster);
                 case "ReplyListener" -> new ReplyListenerSubject(cluster);
                 case "KafkaResponseConsumer" -> new ResponseConsumerSubject(cluster, false);
                 default -> new ResponseConsumerSubject(cluster, true);
             };
             KafkaProducer<byte[], byte[]> raw = rawProducer(cluster)) {
            Map<String, List<ProducerRecord<byte[], byte[]>>> cases = cases(subject, marker);
            int hostile = 0;
            int onReadPartitions = 0;
            double before = subject.accounted();
            subject.sendGood(0, GOOD / 2);
            for (List<ProducerRecord<byte[], byte[]>> records : cases.values()) {
                for (ProducerRecord<byte[], byte[]> r : records) {
                    raw.send(r).get(30, TimeUnit.SECONDS);
                    hostile++;
                    if (subject.readPartitions().contains(r.partition())) {
                        onReadPartitions++;
                    }
                }
            }
            subject.sendGood(GOOD / 2, GOOD);
            double expected = before + onReadPartitions + GOOD;
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(subject.goodHandled()).as("good messages handled").isEqualTo(GOOD);
                assertThat(subject.accounted()).as("records finished under a counted outcome").isEqualTo(expected);
                assertThat(subject.atTheEnd()).as("offsets at the end of every partition read").isTrue();
            });
            // nothing is finished twice: the count stays where it is
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> subject.accounted() == expected);
            assertThat(subject.lifecycle().isRunning()).as(which + " running").isTrue();
            assertThat(subject.lifecycle().ready()).as(which + " ready").isCompleted();
            List<String> leaking = logs.lines().stream().filter(l -> l.contains(marker)).toList();
            assertThat(leaking).as("log lines with a hostile payload").isEmpty();
            System.out.printf("HOSTILE-MATRIX consumer=%s cases=%d records=%d read=%d good=%d/%d accounted=%.0f "
                            + "outcomes=%s%n", which, cases.size(), hostile, onReadPartitions, subject.goodHandled(),
                    GOOD, subject.accounted() - before, subject.outcomes());
        }
    }

    /** Every case, by name: each built from the subject's template once per partition of its topic. */
    private static Map<String, List<ProducerRecord<byte[], byte[]>>> cases(Subject s, String marker) {
        byte[] garbage = ("\u0000\u00ff{[" + marker + "]}\u0001").getBytes(StandardCharsets.UTF_8);
        Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> one = new LinkedHashMap<>();
        one.put("null key and value", p -> new ProducerRecord<>(s.topic(), p, (byte[]) null, (byte[]) null, s.template(p).headers()));
        one.put("empty value", p -> with(s.template(p), new byte[0]));
        one.put("garbage value", p -> with(s.template(p), garbage));
        one.put("truncated value", p -> {
            byte[] v = s.template(p).value();
            return with(s.template(p), Arrays.copyOf(v, v.length / 2));
        });
        one.put("no headers", p -> {
            ProducerRecord<byte[], byte[]> t = s.template(p);
            return new ProducerRecord<>(t.topic(), p, t.key(), t.value());
        });
        one.put("wrong content type", p -> header(s.template(p), MessageHeaders.CONTENT_TYPE,
                "text/plain; charset=latin1".getBytes(StandardCharsets.UTF_8)));
        for (String h : LIBRARY_HEADERS) {
            HEADER_VARIANTS.forEach((variant, bytes) -> one.put(h + " " + variant,
                    p -> header(s.template(p), h, bytes)));
        }
        one.put("missing library headers", p -> {
            ProducerRecord<byte[], byte[]> t = s.template(p);
            RecordHeaders kept = new RecordHeaders();
            for (Header h : t.headers()) {
                if (!LIBRARY_HEADERS.contains(h.key())) {
                    kept.add(h);
                }
            }
            return new ProducerRecord<>(t.topic(), p, t.key(), t.value(), kept);
        });
        s.ownCases(garbage).forEach(one::put);
        Map<String, List<ProducerRecord<byte[], byte[]>>> cases = new LinkedHashMap<>();
        one.forEach((name, build) -> {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                records.add(build.apply(p));
            }
            cases.put(name, records);
        });
        // the same record twice (duplicate ids)
        List<ProducerRecord<byte[], byte[]>> twice = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            ProducerRecord<byte[], byte[]> t = s.template(p);
            twice.add(t);
            twice.add(new ProducerRecord<>(t.topic(), p, t.key(), t.value(), t.headers()));
        }
        cases.put("duplicate", twice);
        return cases;
    }

    private static ProducerRecord<byte[], byte[]> with(ProducerRecord<byte[], byte[]> t, byte[] value) {
        return new ProducerRecord<>(t.topic(), t.partition(), t.key(), value, t.headers());
    }

    private static ProducerRecord<byte[], byte[]> header(ProducerRecord<byte[], byte[]> t, String name,
                                                         byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : t.headers()) {
            if (!h.key().equals(name)) {
                headers.add(h);
            }
        }
        headers.add(new RecordHeader(name, value));
        return new ProducerRecord<>(t.topic(), t.partition(), t.key(), t.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(KafkaCluster cluster) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static boolean atTheEnd(KafkaCluster cluster, String group, String topic, Set<Integer> partitions)
            throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<Integer, Long> committed = FaultScenarioSupport.committed(admin, group, topic);
            Map<Integer, Long> ends = FaultScenarioSupport.endOffsets(admin, topic, PARTITIONS);
            return partitions.stream().allMatch(p -> ends.get(p).equals(committed.get(p)));
        }
    }

    /** Asks {@code good-from} to {@code good-(to-1)} of an echo responder; the answered ones go into {@code good}. */
    private static void ask(RequestReplyClient<String, String> client, int from, int to, Set<String> good)
            throws Exception {
        List<CompletableFuture<Void>> replies = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String q = "good-" + i;
            replies.add(client.request(q, Duration.ofSeconds(60)).thenAccept(r -> {
                if (r.equals(q)) {
                    good.add(q);
                }
            }));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    }

    private static double timerCount(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }

    /** One consumer under test, with what the matrix needs of it. */
    private interface Subject extends AutoCloseable {
        String topic();

        /** Partitions of {@link #topic()} the consumer reads (hostile records on the others must not reach it). */
        default Set<Integer> readPartitions() {
            return Set.of(0, 1, 2);
        }

        /** A record the consumer would accept, for partition {@code p}. */
        ProducerRecord<byte[], byte[]> template(int p);

        /** Cases of this consumer's own (e.g. an unknown message type). */
        Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> ownCases(byte[] garbage);

        /** Sends good messages {@code from} (inclusive) to {@code to} through the library. */
        void sendGood(int from, int to) throws Exception;

        long goodHandled();

        /** Records the consumer finished, each under exactly one counted outcome. */
        double accounted();

        Map<String, Double> outcomes();

        boolean atTheEnd() throws Exception;

        io.kafkautility.Lifecycle lifecycle();

        @Override
        void close();
    }

    /** The core consumer: invalid records are dead-lettered with a reason, duplicates skipped. */
    private static final class MessageConsumerSubject implements Subject {
        private final KafkaCluster cluster;
        private final String topic = TopicNames.unique("matrix-events");
        private final String group = TopicNames.unique("matrix-group");
        private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        private final Set<String> good = ConcurrentHashMap.newKeySet();
        private final KafkaClientPool pool;
        private final MessageProducer producer;
        private final MessageConsumer consumer;
        private final EnvelopeCodec codec = EnvelopeCodec.create();

        MessageConsumerSubject(KafkaCluster cluster) throws Exception {
            this.cluster = cluster;
            cluster.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(topic + ".DLT", 1, (short) 1)));
            KafkaConnectionOptions connection = FaultScenarioSupport.connection(cluster.bootstrapServers(), "matrix");
            pool = KafkaClientPool.builder().name("matrix").build();
            pool.metrics().bindTo(meters);
            producer = pool.newProducer(FaultScenarioSupport.producerOptions(connection).build());
            consumer = MessageConsumer.create(ConsumerOptions.builder(connection, group, topic).pool(pool)
                    .dedupWindow(10_000).maxAttempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                        if (m.id().startsWith("good-")) {
                            good.add(m.id());
                        }
                    }).build()).start();
            consumer.ready().get(60, TimeUnit.SECONDS);
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> template(int p) {
            Envelope e = FaultScenarioSupport.event("template-" + p, "doc-" + p);
            RecordHeaders headers = new RecordHeaders();
            codec.writeHeaders(e, headers);
            return new ProducerRecord<>(topic, p, utf8("doc-" + p), codec.encode(e), headers);
        }

        @Override
        public Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> ownCases(byte[] garbage) {
            Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> own = new LinkedHashMap<>();
            own.put("unknown type", p -> {
                String text = BadInputSupport.rawEnvelope("unknown-" + p, "rag.not.a.type");
                return new ProducerRecord<>(topic, p, (byte[]) null, utf8(text));
            });
            own.put("binary mode, garbage data", p -> {
                RecordHeaders headers = new RecordHeaders();
                codec.encodeBinary(FaultScenarioSupport.event("binary-" + p, "d"), headers);
                return new ProducerRecord<>(topic, p, (byte[]) null, Arrays.copyOf(garbage, garbage.length), headers);
            });
            return own;
        }

        @Override
        public void sendGood(int from, int to) throws Exception {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = from; i < to; i++) {
                sends.add(producer.send(topic, "k-" + i, FaultScenarioSupport.event("good-" + i, "doc-" + i)));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        @Override
        public long goodHandled() {
            return good.size();
        }

        @Override
        public double accounted() {
            return count(meters, MetricNames.CONSUMER_RECORDS, "topic", topic);
        }

        @Override
        public Map<String, Double> outcomes() {
            Map<String, Double> out = new TreeMap<>();
            meters.find(MetricNames.CONSUMER_RECORDS).tags("topic", topic).counters().forEach(c ->
                    out.merge(c.getId().getTag("outcome"), c.count(), Double::sum));
            meters.find(MetricNames.CONSUMER_DEAD_LETTERED).tags("topic", topic).counters().forEach(c ->
                    out.merge("dlt:" + c.getId().getTag("reason"), c.count(), Double::sum));
            return out;
        }

        @Override
        public boolean atTheEnd() throws Exception {
            return HostileInputMatrixIT.atTheEnd(cluster, group, topic, readPartitions());
        }

        @Override
        public io.kafkautility.Lifecycle lifecycle() {
            return consumer;
        }

        @Override
        public void close() {
            consumer.close();
            producer.close();
            pool.close();
        }
    }

    /** The responder: requests it cannot answer are dead-lettered with a reason, bad payloads get error replies. */
    private static final class ResponderSubject implements Subject {
        private final KafkaCluster cluster;
        private final String topic = TopicNames.unique("matrix-requests");
        private final String group = TopicNames.unique("matrix-responders");
        private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        private final Responder<String, String> responder;
        private final RequestReplyClient<String, String> client;
        private final Set<String> good = ConcurrentHashMap.newKeySet();

        ResponderSubject(KafkaCluster cluster) throws Exception {
            this.cluster = cluster;
            cluster.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(topic + ".DLT", 1, (short) 1)));
            KafkaConnectionOptions connection = FaultScenarioSupport.connection(cluster.bootstrapServers(), "matrix");
            responder = Responder.create(ResponderOptions.builder(List.of(topic), group, PayloadCodec.utf8(),
                    PayloadCodec.utf8()).connection(connection).meterRegistry(meters).name("matrix").build(),
                    (q, ctx) -> q.startsWith("reject") ? CompletableFuture.failedFuture(
                            new RequestRejectedException("REJECTED", "no")) : CompletableFuture.completedFuture(q));
            client = RequestReplyClient.create(RequestReplyOptions.builder(topic, PayloadCodec.utf8(),
                    PayloadCodec.utf8()).connection(connection).build());
            responder.ready().get(60, TimeUnit.SECONDS);
            client.ready().get(60, TimeUnit.SECONDS);
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> template(int p) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(MessageHeaders.CORRELATION_ID, utf8("template-" + p));
            headers.add(MessageHeaders.REPLY_TO, utf8(client.replyTopic()));
            headers.add(MessageHeaders.DEADLINE, utf8(Long.toString(System.currentTimeMillis() + 600_000)));
            return new ProducerRecord<>(topic, p, (byte[]) null, utf8("template request " + p), headers);
        }

        @Override
        public Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> ownCases(byte[] garbage) {
            Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> own = new LinkedHashMap<>();
            own.put("request the handler rejects", p -> with(template(p), utf8("reject me")));
            own.put("deadline passed", p -> header(template(p), MessageHeaders.DEADLINE,
                    utf8(Long.toString(System.currentTimeMillis() - 1000))));
            own.put("reply topic of another service", p -> header(template(p), MessageHeaders.REPLY_TO,
                    utf8("billing-events")));
            own.put("reply partition that does not exist", p -> header(template(p), MessageHeaders.REPLY_PARTITION,
                    utf8("999")));
            return own;
        }

        @Override
        public void sendGood(int from, int to) throws Exception {
            ask(client, from, to, good);
        }

        @Override
        public long goodHandled() {
            return good.size();
        }

        @Override
        public double accounted() {
            return count(meters, MetricNames.RESPONDER_REQUESTS);
        }

        @Override
        public Map<String, Double> outcomes() {
            Map<String, Double> out = new TreeMap<>();
            meters.find(MetricNames.RESPONDER_REQUESTS).counters().forEach(c ->
                    out.merge(c.getId().getTag("outcome"), c.count(), Double::sum));
            meters.find(MetricNames.RESPONDER_DEAD_LETTERS).counters().forEach(c ->
                    out.merge("dlt:" + c.getId().getTag("reason"), c.count(), Double::sum));
            out.values().removeIf(v -> v == 0);
            return out;
        }

        @Override
        public boolean atTheEnd() throws Exception {
            return responder.inFlight() == 0 && HostileInputMatrixIT.atTheEnd(cluster, group, topic,
                    readPartitions());
        }

        @Override
        public io.kafkautility.Lifecycle lifecycle() {
            return responder;
        }

        @Override
        public void close() {
            client.close();
            responder.close();
        }
    }

    /**
     * The request-reply client's reply listener, on partition 1 of a shared 3-partition reply topic: replies it cannot
     * match are dropped and counted by reason; records on the other partitions never reach it.
     */
    private static final class ReplyListenerSubject implements Subject {
        private final String topic = TopicNames.unique("matrix-replies");
        private final String requests = TopicNames.unique("matrix-rr-requests");
        private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        private final Responder<String, String> responder;
        private final RequestReplyClient<String, String> client;
        private final Set<String> good = ConcurrentHashMap.newKeySet();

        ReplyListenerSubject(KafkaCluster cluster) throws Exception {
            cluster.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(requests, 1, (short) 1)));
            KafkaConnectionOptions connection = FaultScenarioSupport.connection(cluster.bootstrapServers(), "matrix");
            responder = Responder.create(ResponderOptions.builder(List.of(requests), TopicNames.unique("g"),
                    PayloadCodec.utf8(), PayloadCodec.utf8()).connection(connection).replyTopics(List.of(topic))
                    .build(), (q, ctx) -> CompletableFuture.completedFuture(q));
            client = RequestReplyClient.create(RequestReplyOptions.builder(requests, PayloadCodec.utf8(),
                    PayloadCodec.utf8()).connection(connection).sharedReplyTopic(topic, 1).meterRegistry(meters)
                    .clientName("matrix").build());
            responder.ready().get(60, TimeUnit.SECONDS);
            client.ready().get(60, TimeUnit.SECONDS);
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public Set<Integer> readPartitions() {
            return Set.of(1);
        }

        @Override
        public ProducerRecord<byte[], byte[]> template(int p) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(MessageHeaders.CORRELATION_ID, utf8("no-such-request-" + p));
            return new ProducerRecord<>(topic, p, utf8("no-such-request-" + p), utf8("a reply"), headers);
        }

        @Override
        public Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> ownCases(byte[] garbage) {
            Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> own = new LinkedHashMap<>();
            own.put("error reply nobody asked for", p -> header(header(template(p), MessageHeaders.REPLY_ERROR,
                    utf8("true")), MessageHeaders.REPLY_ERROR_TYPE, garbage));
            own.put("chunk nobody asked for", p -> header(template(p), MessageHeaders.CHUNK_SEQUENCE, utf8("7")));
            return own;
        }

        @Override
        public void sendGood(int from, int to) throws Exception {
            ask(client, from, to, good);
        }

        @Override
        public long goodHandled() {
            return good.size();
        }

        @Override
        public double accounted() {
            return count(meters, MetricNames.REQUEST_REPLY_DROPPED)
                    + timerCount(meters, MetricNames.REQUEST_REPLY_ROUND_TRIP);
        }

        @Override
        public Map<String, Double> outcomes() {
            Map<String, Double> out = new TreeMap<>();
            meters.find(MetricNames.REQUEST_REPLY_DROPPED).counters().forEach(c ->
                    out.merge("dropped:" + c.getId().getTag("reason"), c.count(), Double::sum));
            meters.find(MetricNames.REQUEST_REPLY_ROUND_TRIP).timers().forEach(t ->
                    out.merge(t.getId().getTag("outcome"), (double) t.count(), Double::sum));
            out.values().removeIf(v -> v == 0);
            return out;
        }

        @Override
        public boolean atTheEnd() {
            return client.pendingCount() == 0;
        }

        @Override
        public io.kafkautility.Lifecycle lifecycle() {
            return client;
        }

        @Override
        public void close() {
            client.close();
            responder.close();
        }
    }

    /**
     * The UI's response consumer: replies it cannot decode are skipped and counted by reason. In its default broadcast
     * mode it reads every partition without a group (nothing to commit: every record counted is its position moving
     * on); in group mode it commits.
     */
    private static final class ResponseConsumerSubject implements Subject {
        private final ReplyFixture fixture;
        private final boolean group;
        private final Map<String, TestConnection> sessions = new HashMap<>();

        ResponseConsumerSubject(KafkaCluster cluster, boolean group) {
            this.group = group;
            fixture = new ReplyFixture(cluster, m -> m, c -> group
                    ? c.mode(io.kafkautility.response.ResponseConsumerOptions.Mode.GROUP) : c);
            for (int i = 0; i < GOOD; i++) {
                sessions.put("s-" + i, fixture.open("s-" + i));
                fixture.manager.beginQuestion("s-" + i, "q-" + i);
            }
        }

        @Override
        public String topic() {
            return fixture.topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> template(int p) {
            return new ProducerRecord<>(fixture.topic, p, utf8("s-ghost"),
                    fixture.encode(ReplyFixture.response("s-ghost", "q-ghost-" + p)), new RecordHeaders());
        }

        @Override
        public Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> ownCases(byte[] garbage) {
            Map<String, IntFunction<ProducerRecord<byte[], byte[]>>> own = new LinkedHashMap<>();
            own.put("unknown schema id", p -> {
                byte[] v = template(p).value().clone();
                v[1] = v[2] = v[3] = v[4] = (byte) 0x7f;
                return with(template(p), v);
            });
            own.put("reply for a session nobody holds", this::template);
            return own;
        }

        @Override
        public void sendGood(int from, int to) {
            for (int i = from; i < to; i++) {
                fixture.replyAsync("s-" + i, "q-" + i);
            }
            fixture.producer.flush();
        }

        @Override
        public long goodHandled() {
            return sessions.values().stream().filter(c -> !c.frames.isEmpty()).count();
        }

        @Override
        public double accounted() {
            return count(fixture.meters, MetricNames.RESPONSE_RECORDS);
        }

        @Override
        public Map<String, Double> outcomes() {
            Map<String, Double> out = new TreeMap<>();
            fixture.meters.find(MetricNames.RESPONSE_INVALID).counters().forEach(c ->
                    out.merge("skipped:" + c.getId().getTag("reason"), c.count(), Double::sum));
            fixture.meters.find(MetricNames.RESPONSE_DELIVERIES).counters().forEach(c ->
                    out.merge("delivered", c.count(), Double::sum));
            fixture.meters.find(MetricNames.RESPONSE_DROPPED).counters().forEach(c -> // not_held*: no such session
                    out.merge("dropped:" + c.getId().getTag("reason"), c.count(), Double::sum));
            out.values().removeIf(v -> v == 0);
            return out;
        }

        @Override
        public boolean atTheEnd() throws Exception {
            return !group || HostileInputMatrixIT.atTheEnd(fixture.cluster, fixture.groupId, fixture.topic,
                    readPartitions());
        }

        @Override
        public io.kafkautility.Lifecycle lifecycle() {
            return fixture.consumer;
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
