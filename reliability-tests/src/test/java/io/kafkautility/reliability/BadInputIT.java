package io.kafkautility.reliability;

import static io.kafkautility.reliability.BadInputSupport.chunk;
import static io.kafkautility.reliability.BadInputSupport.count;
import static io.kafkautility.reliability.BadInputSupport.deleted;
import static io.kafkautility.reliability.BadInputSupport.header;
import static io.kafkautility.reliability.BadInputSupport.kafkaError;
import static io.kafkautility.reliability.BadInputSupport.rawEnvelope;
import static io.kafkautility.reliability.BadInputSupport.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.internal.producer.SendFailures;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.CircuitState;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Bad input through the library's producer and consumer on a real (in-JVM KRaft) broker: records too large for the
 * producer or the broker, huge and numerous headers, CR/LF log injection and a dead-lettered record failing again.
 * Valid messages are mixed with the bad ones and counted in a {@link ReliabilityLedger}: nothing valid is lost, the
 * consumer goes on, every bad record ends where the library's rules say.
 */
@KafkaTest
class BadInputIT {

    private static final int BIG_DELTA = 90_000;

    private static KafkaConnectionOptions connection(KafkaCluster cluster) {
        return KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build();
    }

    private static SendException sendFailure(Throwable t) {
        Throwable e = SendFailures.unwrap(t);
        assertThat(e).isInstanceOf(SendException.class);
        return (SendException) e;
    }

    /** Sends one valid message through the library and records it in the ledger. */
    private static void sendValid(MessageProducer producer, String topic, ReliabilityLedger ledger) {
        String id = ledger.nextId();
        ledger.sent(id);
        producer.send(topic, id, deleted(id)).handle((r, e) -> {
            ledger.sendCompleted(id, kafkaError(e));
            return null;
        }).join();
    }

    /** A library consumer recording every handled message id in the ledger. */
    private static MessageConsumer consumer(KafkaConnectionOptions connection, KafkaClientPool pool, String topic,
                                            ReliabilityLedger ledger) {
        MessageHandler record = (m, c) -> ledger.consumed(m.id());
        return MessageConsumer.create(ConsumerOptions.builder(connection, TopicNames.unique("g"), topic).pool(pool)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .kafkaProperty("max.partition.fetch.bytes", 8 * 1024 * 1024)
                .handler(MessageTypes.DOCUMENT_DELETED, record)
                .handler(MessageTypes.LLM_RESPONSE_CHUNK, record).build()).start();
    }

    private static ReliabilityReport finish(ReliabilityLedger ledger) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.unexpected()).isZero();
        return report;
    }

    @Test
    void aRecordOverTheProducersMaxRequestSizeFailsFastTypedUnretriedAndNeverTripsTheBreaker(KafkaCluster cluster) {
        String topic = TopicNames.unique("oversize-producer");
        cluster.createTopic(topic, 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("oversizeProducerSide");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaConnectionOptions connection = connection(cluster);
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            pool.metrics().bindTo(registry);
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bad-input")
                    .kafkaProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 50_000).build())) {
                long worstMs = 0;
                // more oversize failures than the breaker's window and minimum calls: it must stay closed
                for (int i = 0; i < 30; i++) {
                    sendValid(producer, topic, ledger);
                    String id = ledger.nextId();
                    ledger.sent(id);
                    long t0 = System.nanoTime();
                    Throwable error = producer.send(topic, id, chunk(id, BIG_DELTA)).handle((r, e) -> e).join();
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    worstMs = Math.max(worstMs, ms);
                    SendException e = sendFailure(error);
                    assertThat(e.reason()).isEqualTo(SendFailureReason.RECORD_TOO_LARGE);
                    assertThat(e.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("RecordTooLargeException").contains(id);
                    assertThat(ms).as("time to the oversize error").isLessThan(2_000);
                    ledger.failed(id);
                    assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
                }
                assertThat(count(registry, MetricNames.MESSAGES_SEND_FAILED, MetricNames.TAG_TOPIC, topic,
                        MetricNames.TAG_REASON, SendFailureReason.RECORD_TOO_LARGE.name())).isEqualTo(30.0);
                assertThat(count(registry, MetricNames.SEND_RETRIES)).isZero();
                assertThat(count(registry, MetricNames.CIRCUIT_TRANSITIONS)).isZero();
                System.out.println("oversize (producer side): 30 x RECORD_TOO_LARGE/NOT_SENT, slowest " + worstMs
                        + " ms, breaker " + producer.circuitState());
            }
            try (MessageConsumer c = consumer(connection, pool, topic, ledger)) {
                ReliabilityReport report = finish(ledger);
                assertThat(report.failed()).isEqualTo(30);
                assertThat(report.acked()).isEqualTo(30);
            }
        }
    }

    @Test
    void aRecordOverTheTopicsMaxMessageBytesIsRejectedByTheBrokerUnretriedAndNeverTripsTheBreaker(
            KafkaCluster cluster) {
        String topic = TopicNames.unique("oversize-broker");
        cluster.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "20000"))));
        ReliabilityLedger ledger = ReliabilityLedger.create("oversizeBrokerSide");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaConnectionOptions connection = connection(cluster);
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            pool.metrics().bindTo(registry);
            // the producer's own limit (1 MiB default) lets the record through; the broker refuses it
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bad-input")
                    .build())) {
                long worstMs = 0;
                for (int i = 0; i < 25; i++) {
                    sendValid(producer, topic, ledger);
                    String id = ledger.nextId();
                    ledger.sent(id);
                    long t0 = System.nanoTime();
                    Throwable error = producer.send(topic, id, chunk(id, BIG_DELTA)).handle((r, e) -> e).join();
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    worstMs = Math.max(worstMs, ms);
                    SendException e = sendFailure(error);
                    assertThat(e.reason()).isEqualTo(SendFailureReason.RECORD_TOO_LARGE);
                    assertThat(e.deliveryState()).isEqualTo(DeliveryState.REJECTED);
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("RecordTooLarge");
                    assertThat(ms).as("time to the broker's refusal").isLessThan(5_000);
                    ledger.failed(id);
                    assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
                }
                assertThat(count(registry, MetricNames.MESSAGES_SEND_FAILED, MetricNames.TAG_TOPIC, topic,
                        MetricNames.TAG_REASON, SendFailureReason.RECORD_TOO_LARGE.name())).isEqualTo(25.0);
                assertThat(count(registry, MetricNames.SEND_RETRIES)).isZero();
                assertThat(count(registry, MetricNames.CIRCUIT_TRANSITIONS)).isZero();
                System.out.println("oversize (broker side): 25 x RECORD_TOO_LARGE/REJECTED, slowest " + worstMs
                        + " ms, breaker " + producer.circuitState());
            }
            try (MessageConsumer c = consumer(connection, pool, topic, ledger)) {
                ReliabilityReport report = finish(ledger);
                assertThat(report.failed()).isEqualTo(25);
            }
        }
    }

    @Test
    void recordsWithAThousandHeadersOrAOneMegabyteHeaderAreHandledOrDeadLetteredAndTheConsumerGoesOn(
            KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("headers");
        int fourMb = 4 * 1024 * 1024;
        cluster.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes",
                Integer.toString(fourMb))), new NewTopic(topic + ".DLT", 1, (short) 1)));
        ReliabilityLedger ledger = ReliabilityLedger.create("hugeHeaders");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaConnectionOptions connection = connection(cluster);
        String bigValue = BadInputSupport.random(1024 * 1024);
        Properties rawProps = new Properties();
        rawProps.putAll(cluster.clientProperties());
        rawProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, fourMb);
        List<String> badIds = new ArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.create();
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawProps, new ByteArraySerializer(),
                     new ByteArraySerializer());
             BadInputSupport.StdCapture logs = new BadInputSupport.StdCapture()) {
            pool.metrics().bindTo(registry);
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bad-input")
                    .build())) {
                for (int kind = 0; kind < 4; kind++) {
                    sendValid(producer, topic, ledger);
                    String id = ledger.nextId();
                    boolean validEnvelope = kind < 2;
                    byte[] value = validEnvelope ? pool.validator().codec().encode(deleted(id))
                            : "{not json".getBytes(StandardCharsets.UTF_8);
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, id.getBytes(
                            StandardCharsets.UTF_8), value);
                    r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json"
                            .getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8));
                    if (kind % 2 == 0) {
                        for (int h = 0; h < 1000; h++) {
                            r.headers().add("x-h-" + h, ("v" + h).getBytes(StandardCharsets.UTF_8));
                        }
                    } else {
                        r.headers().add("x-big", bigValue.getBytes(StandardCharsets.UTF_8));
                    }
                    raw.send(r).get(30, TimeUnit.SECONDS);
                    if (validEnvelope) {
                        ledger.sent(id);
                        ledger.acked(id);
                    } else {
                        badIds.add(id);
                    }
                }
                sendValid(producer, topic, ledger);
            }
            try (MessageConsumer c = consumer(connection, pool, topic, ledger)) {
                finish(ledger);
                await().atMost(Duration.ofSeconds(60)).until(() -> c.completedCount() == 5 + 4);
                assertThat(c.isRunning()).isTrue();
            }
            List<ConsumerRecord<byte[], byte[]>> dead = read(cluster.clientProperties(), topic + ".DLT",
                    badIds.size());
            assertThat(dead).extracting(BadInputSupport::id).containsExactlyElementsOf(badIds);
            assertThat(dead).extracting(r -> header(r, MessageHeaders.DLT_REASON)).containsOnly("INVALID_JSON");
            // the one with 1,000 headers is dead-lettered whole; the one with a 1 MB header is too large for the
            // dead-letter topic (1 MiB default) and goes there without its foreign headers, saying so
            assertThat(header(dead.get(0), MessageHeaders.DLT_TRUNCATED)).isNull();
            assertThat(dead.get(0).headers().toArray()).hasSizeGreaterThan(1000);
            assertThat(header(dead.get(1), MessageHeaders.DLT_TRUNCATED)).isEqualTo("headers");
            assertThat(header(dead.get(1), "x-big")).isNull();
            assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(header(dead.get(1), MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
            assertThat(logs.lines()).filteredOn(l -> l.contains("is too large for " + topic + ".DLT")).hasSize(1);
            assertThat(count(registry, MetricNames.CONSUMER_DEAD_LETTERED, MetricNames.TAG_TOPIC, topic))
                    .isEqualTo(badIds.size());
            String text = logs.text();
            assertThat(text).doesNotContain(bigValue.substring(0, 64));
            assertThat(text).as("closing the consumer logs no spurious failure").doesNotContain("NullPointerException");
            assertThat(logs.lines().stream().filter(l -> l.contains("rejected: INVALID_JSON")).count())
                    .as("one log line per dead-lettered record").isEqualTo(badIds.size());
        }
    }

    @Test
    void crLfInIdsTypesHeadersAndErrorsNeverForgesALogLine(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("crlf");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("crlfLogInjection");
        KafkaConnectionOptions connection = connection(cluster);
        String fake = "FAKE-LOG-LINE";
        String forged = "\r\n" + fake + " 12:00:00.000 [main] ERROR io.kafkautility.Admin - root password reset\n";
        List<String> bad = new ArrayList<>();
        Properties rawProps = new Properties();
        rawProps.putAll(cluster.clientProperties());
        try (BadInputSupport.StdCapture logs = new BadInputSupport.StdCapture();
             KafkaClientPool pool = KafkaClientPool.create();
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawProps, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bad-input")
                    .build())) {
                // through the library's producer: CloudEvents allows any non-empty id, so a hostile one is sent; its
                // handler fails below, so it is logged (retried, dead-lettered) with its id
                String hostile = "id" + forged;
                producer.send(topic, hostile, Envelope.builder().id(hostile).source("/it")
                        .messageType(MessageTypes.DOCUMENT_DELETED).data(deleted("x").data()).build()).join();
                bad.add(hostile);
                List<String> values = List.of(
                        rawEnvelope("id" + forged, "rag.document.deleted"),      // hostile id
                        rawEnvelope("ok-id", "rag.document.deleted" + forged),    // hostile type
                        "{\"id\":\"" + forged.replace("\r", "\\r").replace("\n", "\\n") + "\"",  // broken JSON
                        "{\"a\":\"x" + forged + "\"}",                            // raw control characters
                        rawEnvelope("ok-2", "rag.document.deleted"));             // valid, hostile headers only
                for (int i = 0; i < values.size(); i++) {
                    sendValid(producer, topic, ledger);
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null,
                            ("key" + forged).getBytes(StandardCharsets.UTF_8),
                            values.get(i).getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json"
                            .getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.MESSAGE_ID, ("hid" + forged).getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.MESSAGE_TYPE, ("htype" + forged).getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.CORRELATION_ID, ("c" + forged).getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.TRACEPARENT, ("t" + forged).getBytes(StandardCharsets.UTF_8));
                    raw.send(r).get(30, TimeUnit.SECONDS);
                    bad.add(values.get(i));
                }
                // the same hostile id sent raw with clean headers: valid, handled, fails, logged
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, null,
                        rawEnvelope("raw-" + hostile, "rag.document.deleted").getBytes(StandardCharsets.UTF_8));
                r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json"
                        .getBytes(StandardCharsets.UTF_8));
                raw.send(r).get(30, TimeUnit.SECONDS);
                bad.add("raw-" + hostile);
                sendValid(producer, topic, ledger);
            }
            List<String> handled = new CopyOnWriteArrayList<>();
            MessageHandler record = (m, c) -> {
                handled.add(m.id());
                if (m.id().contains(fake)) {
                    // a handler failing with a hostile message: retried, then dead-lettered, logged
                    throw new IllegalStateException("handler failed" + forged);
                }
                ledger.consumed(m.id());
            };
            try (MessageConsumer c = MessageConsumer.create(ConsumerOptions.builder(connection,
                    TopicNames.unique("g"), topic).pool(pool).maxAttempts(2)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(50))
                    .handler(MessageTypes.DOCUMENT_DELETED, record).build()).start()) {
                finish(ledger);
                await().atMost(Duration.ofSeconds(60)).until(() -> c.completedCount() == 6 + bad.size());
                assertThat(c.isRunning()).isTrue();
            }
            assertThat(read(cluster.clientProperties(), topic + ".DLT", bad.size())).hasSize(bad.size());
            List<String> lines = logs.lines();
            List<String> forgedLines = lines.stream().filter(l -> l.stripLeading().startsWith(fake)).toList();
            List<String> libraryLines = lines.stream().filter(l -> l.contains("io.kafkautility")).toList();
            System.out.println("captured " + lines.size() + " lines, " + libraryLines.size()
                    + " from the library; forged: " + forgedLines.size());
            assertThat(libraryLines).as("the library logged the bad records").isNotEmpty();
            assertThat(forgedLines).as("no log line starts with injected text").isEmpty();
            assertThat(lines).as("the hostile id was logged, escaped onto the library's line")
                    .anyMatch(l -> l.contains("failed 2 times") && l.contains("id\\r\\n" + fake));
        }
    }

    @Test
    void aDeadLetteredRecordFailingAgainGoesOneLevelDownNeverLoopsAndNothingIsLost(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("dlt-again");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        cluster.createTopic(topic + ".DLT.DLT", 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("deadLetterFailsAgain");
        KafkaConnectionOptions connection = connection(cluster);
        Set<String> poison = new HashSet<>();
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bad-input")
                    .build())) {
                for (int i = 0; i < 20; i++) {
                    sendValid(producer, topic, ledger);
                    if (i % 4 == 0) {
                        String id = "poison-" + i + "-" + TopicNames.unique("p");
                        producer.send(topic, id, deleted(id)).join();
                        poison.add(id);
                    }
                }
            }
            MessageHandler main = (m, c) -> {
                if (m.id().startsWith("poison-")) {
                    throw new IllegalStateException("cannot process " + m.id());
                }
                ledger.consumed(m.id());
            };
            List<String> retried = new CopyOnWriteArrayList<>();
            try (MessageConsumer c = MessageConsumer.create(ConsumerOptions.builder(connection,
                    TopicNames.unique("g"), topic).pool(pool).maxAttempts(2)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(50)).handler(MessageTypes.DOCUMENT_DELETED, main)
                    .build()).start();
                 // the dead-letter topic's consumer fails too (default naming: its failures go to .DLT.DLT)
                 MessageConsumer again = MessageConsumer.create(ConsumerOptions.builder(connection,
                         TopicNames.unique("dlt-g"), topic + ".DLT").pool(pool).maxAttempts(2)
                         .backoff(Duration.ofMillis(20), Duration.ofMillis(50))
                         .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                             retried.add(m.id());
                             throw new IllegalStateException("still cannot process " + m.id());
                         }).build()).start()) {
                finish(ledger);
                await().atMost(Duration.ofSeconds(60)).until(() -> again.completedCount() == poison.size());
                assertThat(c.isRunning()).isTrue();
            }
            List<ConsumerRecord<byte[], byte[]>> first = read(cluster.clientProperties(), topic + ".DLT",
                    poison.size());
            List<ConsumerRecord<byte[], byte[]>> second = read(cluster.clientProperties(), topic + ".DLT.DLT",
                    poison.size());
            // exactly once each, one level down, nothing written back to a topic already read: no loop
            assertThat(first).extracting(BadInputSupport::id).containsExactlyInAnyOrderElementsOf(poison);
            assertThat(second).extracting(BadInputSupport::id).containsExactlyInAnyOrderElementsOf(poison);
            assertThat(second).extracting(r -> header(r, MessageHeaders.DLT_ORIGINAL_TOPIC))
                    .containsOnly(topic + ".DLT");
            assertThat(second).extracting(r -> header(r, MessageHeaders.DLT_REASON)).containsOnly("HANDLER_FAILED");
            assertThat(retried).hasSize(poison.size() * 2);
            assertThat(read(cluster.clientProperties(), topic, 20 + poison.size())).hasSize(20 + poison.size());
            System.out.println("dead-lettered twice: " + poison.size() + " records in " + topic + ".DLT and "
                    + topic + ".DLT.DLT, each exactly once");
        }
        // a naming that would dead-letter the dead-letter topic into itself is refused up front
        assertThatThrownBy(() -> ConsumerOptions.builder(connection, "g", topic + ".DLT")
                .deadLetterTopic(t -> t.endsWith(".DLT") ? t : t + ".DLT")
                .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> { }).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not read");
    }
}
