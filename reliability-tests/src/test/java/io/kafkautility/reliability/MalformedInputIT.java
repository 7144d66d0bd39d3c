package io.kafkautility.reliability;

import static io.kafkautility.reliability.BadInputSupport.count;
import static io.kafkautility.reliability.BadInputSupport.envelopeText;
import static io.kafkautility.reliability.BadInputSupport.header;
import static io.kafkautility.reliability.FaultScenarioSupport.DEADLINE;
import static io.kafkautility.reliability.FaultScenarioSupport.MESSAGES;
import static io.kafkautility.reliability.FaultScenarioSupport.assertTyped;
import static io.kafkautility.reliability.FaultScenarioSupport.awaitConsumedAndCheck;
import static io.kafkautility.reliability.FaultScenarioSupport.committed;
import static io.kafkautility.reliability.FaultScenarioSupport.connection;
import static io.kafkautility.reliability.FaultScenarioSupport.consumerOptions;
import static io.kafkautility.reliability.FaultScenarioSupport.endOffsets;
import static io.kafkautility.reliability.FaultScenarioSupport.event;
import static io.kafkautility.reliability.FaultScenarioSupport.producerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.reliability.FaultScenarioSupport.Deliveries;
import io.kafkautility.reliability.FaultScenarioSupport.Load;
import io.kafkautility.reliability.MalformedRecords.Kind;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.validation.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Every malformed kind of the message contract, a few hundred of each, interleaved with a stream of 20,000 valid events,
 * on a real (in-JVM KRaft) broker, against the library's {@link MessageConsumer}. The valid events are counted in a
 * {@link ReliabilityLedger} (nothing lost, nothing unexpected); every malformed record is accounted for exactly by
 * reason (in the dead-letter topic, by where the broker wrote it, and in the counters); none stalls the consumer, which
 * commits to the end of every partition; and no log line carries a marker planted in their payloads.
 */
@KafkaTest
class MalformedInputIT {

    private static final int PARTITIONS = 3;
    /** Records of each malformed kind. */
    private static final int PER_KIND = 200;
    /** Records with a string over the limit: each is over 1 MiB once decompressed, so fewer of them. */
    private static final int OVER_LIMIT_STRINGS = 30;
    private static final String DELETED = "rag.document.deleted";
    private static final String VALID_TIME = "2026-11-22T10:00:00Z";

    @Test
    void everyMalformedKindIsDeadLetteredByReasonUnderLoadWhileEveryValidEventIsConsumed(KafkaCluster cluster)
            throws Exception {
        String name = "malformed-matrix-library-consumer";
        String topic = TopicNames.unique(name);
        String group = TopicNames.unique("group");
        cluster.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                new NewTopic(topic + ".DLT", 1, (short) 1)));
        String marker = "PAYLOAD-MARKER-" + BadInputSupport.random(16);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Deliveries deliveries = new Deliveries(ledger);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KafkaConnectionOptions conn = connection(cluster.bootstrapServers(), name);
        long t0 = System.nanoTime();
        try (BadInputSupport.StdCapture logs = new BadInputSupport.StdCapture();
             Admin admin = cluster.admin();
             KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
             KafkaClientPool pool = KafkaClientPool.builder().name(name).build()) {
            pool.metrics().bindTo(meters);
            MalformedRecords<byte[]> bad = new MalformedRecords<>(raw, contractKinds(topic, marker,
                    pool.validator().codec()));
            int every = MalformedRecords.every(MESSAGES, bad.total());
            try (MessageProducer producer = pool.newProducer(producerOptions(conn).build());
                 MessageConsumer consumer = MessageConsumer.create(consumerOptions(conn, pool, group, topic,
                         deliveries).build()).start();
                 Load load = Load.start(ledger, MESSAGES, 500, bad.interleave(id -> producer.send(topic, id,
                         event(id, "doc-" + id)), every))) {
                load.awaitDone(DEADLINE);
                bad.sendRemaining();
                bad.awaitAcked(DEADLINE);
                ReliabilityReport report = awaitConsumedAndCheck(ledger, consumer); // prints the RELIABILITY line
                assertTyped(name, load);
                assertThat(report.acked()).as("every valid event acked").isEqualTo(MESSAGES);
                assertThat(report.duplicates()).isZero();
                // every malformed record dead-lettered, and the group committed to the end of every partition
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> count(meters,
                        MetricNames.CONSUMER_DEAD_LETTERED, MetricNames.TAG_TOPIC, topic) >= bad.total());
                Map<Integer, Long> end = endOffsets(admin, topic, PARTITIONS);
                assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(MESSAGES + bad.total());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(admin, group, topic).equals(end));
                assertThat(consumer.isRunning()).isTrue();
                assertThat(consumer.completedCount()).isEqualTo(MESSAGES + bad.total());
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

            // the dead-letter topic holds each malformed record once, with the reason of its kind
            List<ConsumerRecord<byte[], byte[]>> dead = BadInputSupport.read(cluster.clientProperties(),
                    topic + ".DLT", bad.total());
            Map<String, Long> deadByKind = new LinkedHashMap<>();
            Set<String> positions = new HashSet<>();
            List<String> wrong = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                int partition = Integer.parseInt(header(r, MessageHeaders.DLT_ORIGINAL_PARTITION));
                long offset = Long.parseLong(header(r, MessageHeaders.DLT_ORIGINAL_OFFSET));
                Kind<byte[]> kind = bad.at(partition, offset);
                String reason = header(r, MessageHeaders.DLT_REASON);
                if (kind == null || !kind.reason().equals(reason) || !topic.equals(header(r,
                        MessageHeaders.DLT_ORIGINAL_TOPIC)) || !positions.add(partition + "@" + offset)) {
                    wrong.add(partition + "@" + offset + " kind=" + (kind == null ? null : kind.name()) + " reason="
                            + reason);
                    continue;
                }
                deadByKind.merge(kind.name(), 1L, Long::sum);
                for (Header h : r.headers()) {
                    if (h.key().startsWith("ku_dlt_") && h.value() != null) {
                        assertThat(new String(h.value(), StandardCharsets.UTF_8)).as("%s of %s", h.key(), kind.name())
                                .doesNotContain(marker);
                    }
                }
            }
            System.out.printf("%s: %d valid events and %d malformed records in %d s; dead-lettered by kind %s%n",
                    name, MESSAGES, bad.total(), seconds, deadByKind);
            assertThat(wrong).as("dead-letter records not matching a malformed record and its reason, or repeated")
                    .isEmpty();
            assertThat(dead).hasSize(bad.total());
            assertThat(deadByKind).isEqualTo(bad.ackedByKind());

            // the counters agree, reason by reason
            Map<String, Long> expected = bad.ackedByReason();
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                assertThat(count(meters, MetricNames.CONSUMER_DEAD_LETTERED, MetricNames.TAG_TOPIC, topic,
                        MetricNames.TAG_REASON, e.getKey())).as("dead-lettered %s", e.getKey())
                        .isEqualTo(e.getValue().doubleValue());
            }
            for (RejectReason r : RejectReason.values()) {
                assertThat(count(meters, MetricNames.CONSUMER_VALIDATION_FAILURES, MetricNames.TAG_TOPIC, topic,
                        MetricNames.TAG_REASON, r.name())).as("validation failures %s", r)
                        .isEqualTo(expected.getOrDefault(r.name(), 0L).doubleValue());
            }
            Set<String> rejectReasons = Arrays.stream(RejectReason.values()).map(Enum::name).collect(Collectors.toSet());
            long rejected = expected.entrySet().stream().filter(e -> rejectReasons.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(count(meters, MetricNames.CONSUMER_RECORDS, MetricNames.TAG_TOPIC, topic,
                    MetricNames.TAG_OUTCOME, "processed")).isEqualTo(MESSAGES);
            assertThat(count(meters, MetricNames.CONSUMER_RECORDS, MetricNames.TAG_TOPIC, topic,
                    MetricNames.TAG_OUTCOME, "dead_lettered")).isEqualTo(bad.total());

            // logged, one line per rejected record, never with its payload
            List<String> lines = logs.lines();
            assertThat(lines.stream().filter(l -> l.contains("rejected: ")).count())
                    .as("one log line per record rejected by validation").isEqualTo(rejected);
            assertThat(lines).as("no log line carries a malformed record's payload")
                    .noneMatch(l -> l.contains(marker));
        }
    }

    /** A raw producer for malformed records: records up to 8 MiB before compression, compressed (lz4). */
    private static KafkaProducer<byte[], byte[]> rawProducer(KafkaCluster cluster) {
        Map<String, Object> props = cluster.clientProperties();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Every way a record can break the message contract, each with the reason the library gives for it (see
     * {@link RejectReason} and {@link DeadLetterReason}). {@code marker} is planted in every payload that can carry
     * it (the data, never the id or the type, which the library logs by design).
     */
    private static List<Kind<byte[]>> contractKinds(String topic, String marker, EnvelopeCodec codec) {
        String data = "{\"documentId\":\"doc-1\",\"deletedAt\":\"" + VALID_TIME + "\",\"reason\":\"" + marker + "\"}";
        String overLimit = marker.repeat(1_100_000 / marker.length() + 1); // more than the 1 MiB string limit
        String hugeNumber = "1" + "0".repeat(99_999);
        String deep = "[".repeat(10_000) + "\"" + marker + "\"" + "]".repeat(10_000);
        List<Kind<byte[]>> kinds = new ArrayList<>();
        kinds.add(kind(topic, "invalid-json", RejectReason.INVALID_JSON, PER_KIND, id ->
                text("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"data\":{\"reason\":\"" + marker)));
        kinds.add(kind(topic, "json-array", RejectReason.INVALID_ENVELOPE, PER_KIND, id ->
                text("[\"" + marker + "\",\"" + id + "\"]")));
        kinds.add(kind(topic, "json-object-not-an-envelope", RejectReason.INVALID_ENVELOPE, PER_KIND, id ->
                text("{\"greeting\":\"" + marker + "\",\"id\":\"" + id + "\"}")));
        kinds.add(kind(topic, "schema-violation", RejectReason.SCHEMA_VIOLATION, PER_KIND, id ->
                text(envelopeText(id, DELETED, 1, "{\"documentId\":\"not an id " + marker + "\",\"deletedAt\":\""
                        + marker + "\",\"reason\":42}"))));
        kinds.add(kind(topic, "unknown-type", RejectReason.UNKNOWN_TYPE, PER_KIND, id ->
                text(envelopeText(id, "rag.document.archived", 1, data))));
        kinds.add(kind(topic, "unsupported-major-version", RejectReason.UNSUPPORTED_VERSION, PER_KIND, id ->
                text(envelopeText(id, DELETED, 9, data))));
        kinds.add(kind(topic, "array-10000-deep", RejectReason.LIMITS_EXCEEDED, PER_KIND, id ->
                text(envelopeText(id, DELETED, 1, deep))));
        kinds.add(kind(topic, "string-over-limit", RejectReason.LIMITS_EXCEEDED, OVER_LIMIT_STRINGS, id ->
                text(envelopeText(id, DELETED, 1, "{\"documentId\":\"doc-1\",\"deletedAt\":\"" + VALID_TIME
                        + "\",\"reason\":\"" + overLimit + "\"}"))));
        kinds.add(kind(topic, "number-100000-digits", RejectReason.LIMITS_EXCEEDED, PER_KIND, id ->
                text(envelopeText(id, DELETED, 1, "{\"documentId\":\"doc-1\",\"deletedAt\":\"" + VALID_TIME
                        + "\",\"reason\":\"" + marker + "\",\"pages\":" + hugeNumber + "}"))));
        kinds.add(kind(topic, "duplicate-keys", RejectReason.INVALID_JSON, PER_KIND, id ->
                text(envelopeText(id, DELETED, 1, "{\"documentId\":\"doc-1\",\"documentId\":\"doc-" + marker
                        + "\",\"deletedAt\":\"" + VALID_TIME + "\"}"))));
        kinds.add(kind(topic, "empty-value", RejectReason.INVALID_JSON, PER_KIND, id -> new byte[0]));
        kinds.add(new Kind<>("null-value", DeadLetterReason.NULL_VALUE.name(), PER_KIND, i ->
                record(topic, "null-value", i, null, "application/cloudevents+json")));
        kinds.add(new Kind<>("header-contradicts-body", RejectReason.INVALID_ENVELOPE.name(), PER_KIND, i -> {
            ProducerRecord<byte[], byte[]> r = record(topic, "header-contradicts-body", i,
                    text(envelopeText(id("header-contradicts-body", i), DELETED, 1, data)),
                    "application/cloudevents+json");
            r.headers().add(MessageHeaders.MESSAGE_ID, "another-id".getBytes(StandardCharsets.UTF_8));
            return r;
        }));
        kinds.add(new Kind<>("wrong-content-type", RejectReason.UNSUPPORTED_CONTENT_TYPE.name(), PER_KIND, i ->
                record(topic, "wrong-content-type", i, text(envelopeText(id("wrong-content-type", i), DELETED, 1,
                        data)), "text/plain; charset=utf-8")));
        kinds.add(new Kind<>("valid-type-without-handler", DeadLetterReason.NO_HANDLER.name(), PER_KIND, i ->
                record(topic, "valid-type-without-handler", i, codec.encode(BadInputSupport.chunk(
                        id("valid-type-without-handler", i), marker)), "application/cloudevents+json")));
        return kinds;
    }

    /** A kind whose records are structured-mode CloudEvents records (by content type) with the value for an id. */
    private static Kind<byte[]> kind(String topic, String name, RejectReason reason, int count,
                                     Function<String, byte[]> value) {
        IntFunction<ProducerRecord<byte[], byte[]>> factory = i -> record(topic, name, i,
                value.apply(id(name, i)), "application/cloudevents+json");
        return new Kind<>(name, reason.name(), count, factory);
    }

    private static String id(String kind, int i) {
        return "bad-" + kind + "-" + i;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String kind, int i, byte[] value,
                                                         String contentType) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, text(id(kind, i)), value);
        r.headers().add(MessageHeaders.CONTENT_TYPE, text(contentType));
        return r;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
