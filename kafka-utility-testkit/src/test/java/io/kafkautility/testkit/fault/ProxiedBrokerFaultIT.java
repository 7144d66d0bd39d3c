package io.kafkautility.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Network faults between a producer and a broker process that advertises a {@link TcpFaultProxy}. */
class ProxiedBrokerFaultIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static TcpFaultProxy proxy;
    private static KafkaBrokerProcess broker;
    private static KafkaCluster viaProxy;

    @BeforeAll
    static void start() {
        proxy = TcpFaultProxy.start();
        broker = KafkaBrokerProcess.create(BrokerProcessOptions.builder().advertisedListener(proxy.address()).build());
        proxy.target(broker.clientAddress());
        broker.start();
        viaProxy = KafkaCluster.external(proxy.address());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @AfterEach
    void heal() {
        proxy.mode(TcpFaultProxy.Mode.PASS);
    }

    private static KafkaProducer<String, String> producer(boolean idempotent) {
        Map<String, Object> p = viaProxy.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static ContinuousSender sender(ReliabilityLedger ledger, KafkaProducer<String, String> p, String topic) {
        return ContinuousSender.start(ledger, 500, id -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            p.send(new ProducerRecord<>(topic, id, "v-" + id), (md, e) -> {
                if (e == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(e);
                }
            });
            return f;
        });
    }

    private static ReliabilityReport drain(ReliabilityLedger ledger, String topic) {
        Map<String, Object> c = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, proxy.address()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            LogDrainer.drain(consumer, topic, DEADLINE, r -> ledger.consumed(r.key()));
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        return report;
    }

    private static double closes(KafkaProducer<?, ?> p) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
            if (e.getKey().name().equals("connection-close-total") && e.getKey().group().equals("producer-metrics")) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    private static long acked(ReliabilityLedger ledger) {
        return ledger.check().acked();
    }

    @Test
    void idempotentProducerRecoversFromBlackhole() {
        String topic = TopicNames.unique("blackhole");
        broker.createTopics(topic);
        ReliabilityLedger ledger = ReliabilityLedger.create("networkBlackhole");
        try (KafkaProducer<String, String> p = producer(true); ContinuousSender s = sender(ledger, p, topic)) {
            await().atMost(DEADLINE).until(() -> acked(ledger) >= 3_000);
            double before = closes(p);
            proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
            ledger.outageStarted();
            await().atMost(DEADLINE).until(() -> closes(p) > before); // a request timed out
            proxy.mode(TcpFaultProxy.Mode.PASS);
            ledger.outageEnded();
            long at = acked(ledger);
            await().atMost(DEADLINE).until(() -> acked(ledger) >= at + 5_000);
            assertThat(s.stop(DEADLINE)).isTrue();
        }
        drain(ledger, topic).assertNothingLost();
    }

    @Test
    void idempotentProducerSurvivesAConnectionResetStorm() {
        String topic = TopicNames.unique("resets");
        broker.createTopics(topic);
        ReliabilityLedger ledger = ReliabilityLedger.create("connectionResetStorm");
        int resets = 0;
        try (KafkaProducer<String, String> p = producer(true); ContinuousSender s = sender(ledger, p, topic)) {
            await().atMost(DEADLINE).until(() -> acked(ledger) >= 1_000);
            ledger.outageStarted();
            for (int i = 0; i < 15; i++) {
                resets += proxy.resetConnections();
                long at = acked(ledger);
                await().atMost(DEADLINE).until(() -> acked(ledger) >= at + 300);
            }
            ledger.outageEnded();
            long at = acked(ledger);
            await().atMost(DEADLINE).until(() -> acked(ledger) >= at + 3_000);
            assertThat(s.stop(DEADLINE)).isTrue();
        }
        assertThat(resets).isGreaterThanOrEqualTo(15);
        drain(ledger, topic).assertNothingLost().assertNoDuplicates();
    }

    @Test
    void idempotentProducerHasNoDuplicatesWhenResponsesAreCut() {
        ReliabilityReport report = cutResponses("cutResponseIdempotent", true);
        report.assertNothingLost().assertNoDuplicates();
    }

    /** Negative control: the checker must flag what a non-idempotent producer's retries do. */
    @Test
    void negativeControlNonIdempotentProducerDuplicatesWhenResponsesAreCut() {
        ReliabilityReport report = cutResponses("negativeControlCutResponseNonIdempotent", false);
        report.assertNothingLost();
        assertThat(report.duplicates()).as("checker must flag retried writes as duplicates: %s", report.line())
                .isPositive();
    }

    private ReliabilityReport cutResponses(String name, boolean idempotent) {
        String topic = TopicNames.unique(name);
        broker.createTopics(topic);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        try (KafkaProducer<String, String> p = producer(idempotent); ContinuousSender s = sender(ledger, p, topic)) {
            await().atMost(DEADLINE).until(() -> acked(ledger) >= 2_000);
            double before = closes(p);
            long bytesUp = proxy.bytesUp();
            proxy.mode(TcpFaultProxy.Mode.CUT_RESPONSE);
            ledger.outageStarted();
            // requests reach the broker, responses never come back, a request times out
            await().atMost(DEADLINE).until(() -> closes(p) > before && proxy.bytesUp() > bytesUp);
            proxy.mode(TcpFaultProxy.Mode.PASS);
            ledger.outageEnded();
            long at = acked(ledger);
            await().atMost(DEADLINE).until(() -> acked(ledger) >= at + 3_000);
            assertThat(s.stop(DEADLINE)).isTrue();
        }
        return drain(ledger, topic);
    }
}
