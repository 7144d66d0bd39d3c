package io.kafkautility.consumer;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ContinuousSender;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static io.kafkautility.consumer.ConsumerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer against a broker process that is killed (SIGKILL) and restarted. */
class MessageConsumerBrokerFaultIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void start() {
        broker = KafkaBrokerProcess.startNew(BrokerProcessOptions.defaults());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static ConsumerOptions.Builder options(String topic) {
        return ConsumerOptions.builder().kafkaProperties(broker.clientProperties()).topics(topic)
                .groupId(TopicNames.unique("fault-group")).name("fault")
                .kafkaProperty(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500)
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void consumerSurvivesBrokerKillAndRestart() {
        String topic = TopicNames.unique("consumer-kill");
        broker.createTopics(List.of(new NewTopic(topic, 3, (short) 1), new NewTopic(topic + ".DLT", 1, (short) 1)));
        ReliabilityLedger ledger = ReliabilityLedger.create("consumerBrokerKilledAndRestarted");
        AtomicLong handled = new AtomicLong();
        ConsumerOptions options = options(topic).handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> {
            ledger.consumed(e.id());
            handled.incrementAndGet();
        }).build();
        try (KafkaProducer<byte[], byte[]> p = producer();
             MessageConsumer consumer = MessageConsumer.create(options);
             ContinuousSender sender = ContinuousSender.start(ledger, 500, 30_000, id -> {
                 CompletableFuture<Void> f = new CompletableFuture<>();
                 p.send(record(topic, good(id)), (md, e) -> {
                     if (e == null) {
                         f.complete(null);
                     } else {
                         f.completeExceptionally(e);
                     }
                 });
                 return f;
             })) {
            await().atMost(DEADLINE).until(() -> handled.get() >= 5_000);
            broker.kill();
            ledger.outageStarted();
            long before = handled.get();
            broker.restart();
            ledger.outageEnded();
            await().atMost(DEADLINE).until(() -> handled.get() > before + 1_000);
            assertThat(sender.awaitDone(DEADLINE)).isTrue();
            await().atMost(DEADLINE).until(() -> ledger.ackedNotConsumed() == 0);
            assertThat(consumer.isRunning()).isTrue();
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
    }

    @Test
    void closeWithTheBrokerDeadReturnsInBoundedTime() {
        String topic = TopicNames.unique("consumer-dead");
        broker.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
        MessageConsumer consumer = MessageConsumer.create(options(topic)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> { }).build());
        try {
            consumer.assigned().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        broker.kill();
        try {
            long start = System.nanoTime();
            consumer.close(Duration.ofSeconds(3));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("close() with the broker dead took %d ms%n", ms);
            assertThat(ms).isLessThan(8_000);
            assertThat(consumer.isRunning()).isFalse();
        } finally {
            broker.restart();
        }
    }
}
