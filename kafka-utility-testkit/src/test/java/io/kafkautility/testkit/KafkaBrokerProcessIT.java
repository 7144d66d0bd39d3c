package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.fault.ContinuousSender;
import io.kafkautility.testkit.fault.LogDrainer;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** One broker process shared by the class; every test leaves it running. */
class KafkaBrokerProcessIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.startNew(BrokerProcessOptions.defaults());
        System.out.printf("broker process pid %d ready in %d ms%n", broker.pid(),
                broker.lastStartDuration().toMillis());
    }

    @AfterAll
    static void closeBroker() {
        if (broker != null) {
            broker.close();
            assertThat(broker.isAlive()).isFalse();
        }
    }

    @AfterEach
    void printLogTailOnTrouble(TestInfo info) {
        if (broker.state() != KafkaBrokerProcess.State.RUNNING) {
            System.out.println("broker state after " + info.getDisplayName() + ": " + broker.state()
                    + "\n" + broker.logTail(30));
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        return Clients.producer(broker, extra);
    }

    private static CompletableFuture<Void> send(KafkaProducer<String, String> p, String topic, String id) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        p.send(new ProducerRecord<>(topic, id, "payload-" + id), (md, e) -> {
            if (e == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static ReliabilityReport drainAndCheck(ReliabilityLedger ledger, String topic) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, TopicNames.unique("drain"))) {
            LogDrainer.drain(consumer, topic, DEADLINE, r -> ledger.consumed(r.key()));
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        return report;
    }

    @Test
    void producesAndConsumes() throws Exception {
        String topic = TopicNames.unique("proc");
        broker.createTopic(topic, 1, (short) 1);
        try (KafkaProducer<String, String> p = producer(Map.of());
                KafkaConsumer<String, String> c = Clients.consumer(broker, TopicNames.unique("g"))) {
            p.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = Clients.consume(c, 1, DEADLINE);
            assertThat(got).extracting(ConsumerRecord::value).containsExactly("v");
        }
        assertThat(broker.logDir()).isDirectory();
        assertThat(java.nio.file.Files.readString(broker.logFile())).contains("Kafka Server started");
    }

    @Test
    void producerRecoversFromKillAndRestart() throws Exception {
        String topic = TopicNames.unique("kill");
        broker.createTopics(new NewTopic(topic, 3, (short) 1));
        ReliabilityLedger ledger = ReliabilityLedger.create("brokerProcessKilledAndRestarted");
        try (KafkaProducer<String, String> p = producer(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, ProducerConfig.LINGER_MS_CONFIG, 5));
                ContinuousSender sender = ContinuousSender.start(ledger, 500, id -> send(p, topic, id))) {
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= 5_000);
            long oldPid = broker.pid();
            broker.kill();
            ledger.outageStarted();
            assertThat(broker.isAlive()).isFalse();
            await().atMost(DEADLINE).until(sender::isSaturated);
            broker.start();
            ledger.outageEnded();
            assertThat(broker.pid()).isNotEqualTo(oldPid);
            long ackedAtRestart = ledger.check().acked();
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= ackedAtRestart + 10_000);
            assertThat(sender.stop(DEADLINE)).isTrue();
        }
        System.out.printf("broker restart after SIGKILL took %d ms%n", broker.lastStartDuration().toMillis());
        ReliabilityReport report = drainAndCheck(ledger, topic).assertNothingLost();
        assertThat(report.acked()).isGreaterThanOrEqualTo(15_000);
    }

    @Test
    void producerRecoversFromPauseAndResume() throws Exception {
        String topic = TopicNames.unique("pause");
        broker.createTopic(topic, 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("brokerProcessPausedPastRequestTimeout");
        try (KafkaProducer<String, String> p = producer(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
                ContinuousSender sender = ContinuousSender.start(ledger, 500, id -> send(p, topic, id))) {
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= 3_000);
            double closesBefore = metric(p, "connection-close-total");
            broker.pause();
            ledger.outageStarted();
            assertThat(broker.state()).isEqualTo(KafkaBrokerProcess.State.PAUSED);
            // the producer notices the frozen broker: a request times out and it drops the connection
            await().atMost(DEADLINE).until(() -> metric(p, "connection-close-total") > closesBefore);
            broker.resume();
            ledger.outageEnded();
            long ackedAtResume = ledger.check().acked();
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= ackedAtResume + 5_000);
            assertThat(sender.stop(DEADLINE)).isTrue();
        }
        drainAndCheck(ledger, topic).assertNothingLost();
    }

    @Test
    void ensureRunningBringsBackAPausedOrKilledBroker() {
        broker.pause();
        assertThat(broker.ensureRunning().state()).isEqualTo(KafkaBrokerProcess.State.RUNNING);
        broker.kill();
        assertThat(broker.state()).isEqualTo(KafkaBrokerProcess.State.STOPPED);
        assertThat(broker.ensureRunning().state()).isEqualTo(KafkaBrokerProcess.State.RUNNING);
        assertThat(broker.ensureRunning().state()).as("running: nothing to do").isEqualTo(
                KafkaBrokerProcess.State.RUNNING);
    }

    @Test
    void stopAndRestartKeepsData() throws Exception {
        String topic = TopicNames.unique("stop");
        broker.createTopic(topic, 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("brokerProcessStoppedAndRestarted");
        try (KafkaProducer<String, String> p = producer(Map.of())) {
            for (int i = 0; i < 1_000; i++) {
                String id = ledger.nextId();
                ledger.sent(id);
                p.send(new ProducerRecord<>(topic, id, id), (md, e) -> ledger.sendCompleted(id, e));
            }
            p.flush();
        }
        int port = broker.clientPort();
        long t0 = System.nanoTime();
        broker.stop();
        System.out.printf("broker SIGTERM stop took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(broker.state()).isEqualTo(KafkaBrokerProcess.State.STOPPED);
        broker.start();
        assertThat(broker.clientPort()).isEqualTo(port);
        try (KafkaProducer<String, String> p = producer(Map.of())) {
            String id = ledger.nextId();
            ledger.sent(id);
            send(p, topic, id).whenComplete((r, e) -> ledger.sendCompleted(id, e)).get(60, TimeUnit.SECONDS);
        }
        ReliabilityReport report = drainAndCheck(ledger, topic).assertNothingLost().assertNoDuplicates();
        assertThat(report.acked()).isEqualTo(1_001);
    }

    @Test
    void restartAfterFailedStartIsClearAndLogTailIsReadable() {
        String tail = broker.logTail(5);
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isPositive();
        assertThat(broker.toString()).contains("pid=" + broker.pid());
    }

    private static double metric(KafkaProducer<?, ?> p, String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }
}
