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

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroWireFormat;
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
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.ReplyFixture;
import io.kafkautility.response.TestConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ContinuousSender;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.fault.TcpFaultProxy;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import io.kafkautility.response.ForeignReplySchemas;
import io.kafkautility.validation.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Every malformed kind, a few hundred of each, interleaved with a stream of 20,000 valid messages on a real (in-JVM
 * KRaft) broker: the message contract's kinds against the library's {@link MessageConsumer}, the reply kinds against
 * the response consumer routing Avro replies to WebSocket sessions. The valid messages are counted in a
 * {@link ReliabilityLedger} (nothing lost, nothing unexpected); every malformed record is accounted for exactly by
 * reason (in the dead-letter topic, by where the broker wrote it, and in the counters); none stalls its consumer, which
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

    @Test
    void everyMalformedKindOfReplyIsSkippedAndCountedByReasonUnderLoadWhileEveryValidReplyReachesItsSession(
            KafkaCluster cluster) throws Exception {
        String name = "malformed-matrix-response-consumer";
        String group = TopicNames.unique("ui-group");
        String marker = "PAYLOAD-MARKER-" + BadInputSupport.random(16);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        List<TestConnection> sessions = new CopyOnWriteArrayList<>();
        int registryDown = 15; // per way of being unreachable: each holds the consumer for the retry timeout
        int half = MESSAGES / 2;
        int quarter = MESSAGES / 4;
        long t0 = System.nanoTime();
        try (BadInputSupport.StdCapture logs = new BadInputSupport.StdCapture();
             Admin admin = cluster.admin();
             SchemaRegistryServer registry = SchemaRegistryServer.start();
             TcpFaultProxy proxy = TcpFaultProxy.start(new InetSocketAddress("127.0.0.1",
                     URI.create(registry.url()).getPort()));
             ReplyFixture f = new ReplyFixture(cluster, registry, "http://" + proxy.address(),
                     m -> m.questionTimeout(Duration.ofMinutes(5)),
                     c -> c.groupId(group).mode(io.kafkautility.response.ResponseConsumerOptions.Mode.GROUP)
                             .registryRetryTimeout(Duration.ofMillis(200))
                             .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(100)))) {
            // a valid reply carrying the marker (registers the schema; the consumer fetches it with the first reply)
            byte[] good = f.encode(new RagResponse("no-such-session", "no-such-question", "answer " + marker,
                    List.of(), RagResponse.Status.SUCCESS, null, Instant.now()));
            MalformedRecords<String> bad = new MalformedRecords<>(f.producer, replyKinds(f.topic, good, marker,
                    registry));
            // each valid reply answers the one question of its own session; the session's frames feed the ledger
            Function<String, CompletionStage<?>> valid = id -> {
                TestConnection session = f.open(id);
                session.behaviour = text -> {
                    JsonNode frame = TestConnection.parse(text);
                    if ("answer".equals(frame.path("type").asText())) {
                        ledger.consumed(frame.path("questionId").asText());
                    }
                    return CompletableFuture.completedFuture(null);
                };
                sessions.add(session);
                if (f.manager.beginQuestion(id, id) != WebSocketSessionManager.Admission.ACCEPTED) {
                    throw new IllegalStateException("session " + id + " did not accept its question");
                }
                CompletableFuture<Void> ack = new CompletableFuture<>();
                f.producer.send(new ProducerRecord<>(f.topic, id, f.encode(ReplyFixture.response(id, id))),
                        (md, e) -> {
                            if (e == null) {
                                ack.complete(null);
                            } else {
                                ack.completeExceptionally(e);
                            }
                        });
                return ack;
            };
            int every = MalformedRecords.every(half + quarter, bad.total());

            // 1. half the valid replies, interleaved with about two thirds of the malformed ones
            try (ContinuousSender first = ContinuousSender.start(ledger, 500, half, bad.interleave(valid, every))) {
                assertThat(first.awaitDone(DEADLINE)).as("first half sent").isTrue();
            }
            bad.awaitAcked(DEADLINE);
            // everything so far read: nothing of it can still need the registry during its outage
            int before = half + bad.sent();
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() ->
                    count(f.meters, MetricNames.RESPONSE_RECORDS) == before && ledger.ackedNotConsumed() == 0);

            // 2. the registry is unreachable for a while, first answering 503, then refusing connections, while an
            // eighth of the valid replies each (their schema is cached) go out with replies in a newer schema the
            // consumer never fetched: each of those waits out the retry timeout, then is skipped
            byte[] newer = f.newerSchemaReply("no-such-session", "no-such-question", "answer " + marker);
            MalformedRecords<String> answers503 = registryWindow(ledger, valid, f, newer, "registry-answers-503",
                    quarter / 2, registryDown, () -> f.registry.unavailable(true), 0);
            MalformedRecords<String> refused = registryWindow(ledger, valid, f, newer,
                    "registry-refuses-connections", quarter - quarter / 2, registryDown, () -> {
                        proxy.mode(TcpFaultProxy.Mode.REFUSE);
                        f.registry.unavailable(false);
                    }, registryDown);
            proxy.mode(TcpFaultProxy.Mode.PASS);

            // 3. the rest of the valid replies with the rest of the malformed ones
            try (ContinuousSender third = ContinuousSender.start(ledger, 500, MESSAGES - half - quarter,
                    bad.interleave(valid, every))) {
                assertThat(third.awaitDone(DEADLINE)).as("last quarter sent").isTrue();
            }
            bad.sendRemaining();
            bad.awaitAcked(DEADLINE);
            int records = MESSAGES + bad.total() + 2 * registryDown;
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                    count(f.meters, MetricNames.RESPONSE_RECORDS) == records && ledger.ackedNotConsumed() == 0);
            ReliabilityReport report = ledger.check();
            System.out.println(report.line());
            report.assertNothingLost().assertNoDuplicates();
            assertThat(report.acked()).as("every valid reply acked").isEqualTo(MESSAGES);
            assertThat(f.consumer.isRunning()).isTrue();
            Map<Integer, Long> end = endOffsets(admin, f.topic, PARTITIONS);
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(records);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> committed(admin, group, f.topic).equals(end));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

            // each malformed reply counted under its reason, nothing else counted as invalid or dropped
            Map<String, Long> expected = new LinkedHashMap<>(bad.ackedByReason());
            answers503.ackedByReason().forEach((reason, n) -> expected.merge(reason, n, Long::sum));
            refused.ackedByReason().forEach((reason, n) -> expected.merge(reason, n, Long::sum));
            Map<String, Long> counted = new LinkedHashMap<>();
            for (AvroDecodingException.Reason r : AvroDecodingException.Reason.values()) {
                counted.put(r.tag(), (long) f.count(MetricNames.RESPONSE_INVALID, MetricNames.TAG_REASON, r.tag()));
            }
            counted.put("listener_failed", (long) f.count(MetricNames.RESPONSE_INVALID, MetricNames.TAG_REASON,
                    "listener_failed"));
            System.out.printf("%s: %d valid replies and %d malformed records in %d s; invalid by reason %s%n", name,
                    MESSAGES, bad.total() + 2 * registryDown, seconds, counted);
            counted.forEach((reason, n) -> assertThat(n).as("invalid replies counted as %s", reason)
                    .isEqualTo(expected.getOrDefault(reason, 0L)));
            assertThat(expected.keySet()).as("every reason the response consumer has, sent")
                    .containsExactlyInAnyOrderElementsOf(Arrays.stream(AvroDecodingException.Reason.values())
                            .map(AvroDecodingException.Reason::tag).toList());
            assertThat(f.count(MetricNames.RESPONSE_DELIVERIES, MetricNames.TAG_OUTCOME, "success"))
                    .isEqualTo(MESSAGES);
            assertThat(f.meters.find(MetricNames.RESPONSE_DROPPED).counters()).allMatch(c -> c.count() == 0);
            assertThat(sessions).hasSize(MESSAGES).allMatch(s -> s.answers().size() == 1 && s.errors().isEmpty());

            List<String> lines = logs.lines();
            assertThat(lines.stream().filter(l -> l.contains("Skipping invalid reply")).count())
                    .as("one log line per skipped reply").isEqualTo(bad.total() + 2 * registryDown);
            assertThat(lines).as("no log line carries a malformed reply's payload").noneMatch(l -> l.contains(marker));
        }
    }

    /**
     * A window in which the registry cannot be reached ({@code down} makes it so): {@code valid} replies go out with
     * {@code count} replies in a schema the consumer never fetched ({@code newer}) spread among them; returns once
     * each of those was skipped as {@code registry_unavailable} ({@code before} were already).
     */
    private static MalformedRecords<String> registryWindow(ReliabilityLedger ledger,
            Function<String, CompletionStage<?>> valid, ReplyFixture f, byte[] newer, String name, int validCount,
            int count, Runnable down, int before) {
        MalformedRecords<String> window = new MalformedRecords<>(f.producer, List.of(new Kind<>(name,
                "registry_unavailable", count, i -> new ProducerRecord<>(f.topic, "bad-" + name + "-" + i, newer))));
        down.run();
        try (ContinuousSender sender = ContinuousSender.start(ledger, 500, validCount, window.interleave(valid,
                MalformedRecords.every(validCount, count)))) {
            assertThat(sender.awaitDone(DEADLINE)).as("valid replies of the %s window sent", name).isTrue();
        }
        window.sendRemaining();
        window.awaitAcked(DEADLINE);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() ->
                f.count(MetricNames.RESPONSE_INVALID, MetricNames.TAG_REASON, "registry_unavailable")
                        >= before + count);
        return window;
    }

    /**
     * Every way a reply on {@code respostas} can be broken short of the registry being down, each with the reason
     * (counter tag) the response consumer gives it. {@code good} is a valid reply whose answer carries {@code marker}.
     */
    private static List<Kind<String>> replyKinds(String topic, byte[] good, String marker,
                                                 SchemaRegistryServer registry) {
        byte[] trailer = text(marker);
        // a producer's own writer schema without a question id: rejected once for its schema id, every record skipped
        org.apache.avro.Schema noQuestion = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"NoQuestion","namespace":"other.producer","fields":[
                  {"name":"sessionId","type":"string"},{"name":"answer","type":"string"},
                  {"name":"timestamp","type":"long"}]}""");
        int noQuestionId = registry.register("other-producer-value", noQuestion.toString());
        // Flink's nullable schema with a null session id: that record alone is rejected, naming the field
        org.apache.avro.Schema flink = new org.apache.avro.Schema.Parser().parse(ForeignReplySchemas.FLINK_NULLABLE);
        int flinkId = registry.register("flink-value", flink.toString());
        return List.of(
                replyKind(topic, "wrong-magic-byte", "wrong_magic_byte", i -> {
                    byte[] b = good.clone();
                    b[0] = (byte) (1 + i % 255);
                    return b;
                }),
                replyKind(topic, "unknown-schema-id", "unknown_schema_id", i -> {
                    byte[] b = good.clone();
                    ByteBuffer.wrap(b, 1, 4).putInt(424_242 + i % 3);
                    return b;
                }),
                // cut in the middle of the datum, or inside the 5-byte header
                replyKind(topic, "truncated", "truncated", i -> Arrays.copyOf(good, i % 2 == 0 ? good.length / 2 : 3)),
                // a few bytes claiming a 100,000,000-byte session id, or 100,000,000 sources
                replyKind(topic, "claims-beyond-record", "truncated", i -> {
                    ByteBuffer b = ByteBuffer.allocate(64).put(good, 0, AvroWireFormat.HEADER_LENGTH);
                    if (i % 2 == 1) {
                        b.put(new byte[] {2, 's', 2, 'q', 2, 'a'}); // session, question and answer of one character
                    }
                    b.put(new byte[] {(byte) 0x80, (byte) 0x84, (byte) 0xaf, 0x5f}); // 100,000,000, zig-zag varint
                    return Arrays.copyOf(b.array(), b.position());
                }),
                replyKind(topic, "empty", "empty", i -> new byte[0]),
                replyKind(topic, "null-value", "null_value", i -> null),
                // a negative string length right after the header, or bytes left over after a whole datum
                replyKind(topic, "undecodable", "undecodable", i -> {
                    ByteBuffer b = ByteBuffer.allocate(good.length + 1 + trailer.length);
                    if (i % 2 == 0) {
                        b.put(good, 0, AvroWireFormat.HEADER_LENGTH).put((byte) 0x01).put(trailer);
                    } else {
                        b.put(good).put(trailer);
                    }
                    return Arrays.copyOf(b.array(), b.position());
                }),
                replyKind(topic, "incompatible-schema", "incompatible_schema", i -> {
                    org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(noQuestion);
                    r.put("sessionId", "s-" + i);
                    r.put("answer", "answer " + marker);
                    r.put("timestamp", 1L);
                    return ForeignReplySchemas.frame(noQuestionId, noQuestion, r);
                }),
                replyKind(topic, "invalid-field", "invalid_field", i -> {
                    org.apache.avro.generic.GenericRecord r = ForeignReplySchemas.flinkRecord(flink, "SUCCESS");
                    r.put("sessionId", null);
                    r.put("answer", "answer " + marker);
                    return ForeignReplySchemas.frame(flinkId, flink, r);
                }));
    }

    private static Kind<String> replyKind(String topic, String name, String reason, IntFunction<byte[]> value) {
        return new Kind<>(name, reason, PER_KIND, i -> new ProducerRecord<>(topic, "bad-" + name + "-" + i,
                value.apply(i)));
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
