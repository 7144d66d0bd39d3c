package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Nothing is lost when the consumer is closed under load, or when the broker dies under it. */
@KafkaTest
class ConsumerReliabilityIT {

    private static final int MESSAGES = 20_000;
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void gracefulShutdownUnderLoadLosesNothingAndDuplicatesNothing(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("graceful");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("consumer-graceful-shutdown");
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            ConsumerOptions options = ConsumerOptions.builder(f.connection, group, topic).pool(f.pool)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> ledger.consumed(m.data().get("documentId")
                            .asText()))
                    .build();
            Thread producer = new Thread(() -> produce(f, topic, ledger, MESSAGES), "it-producer");
            producer.start();
            MessageConsumer first = MessageConsumer.create(options).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> first.completedCount() >= MESSAGES / 4);
            first.close(); // mid-stream, while the producer is still sending
            long afterFirst = first.completedCount();
            try (MessageConsumer second = MessageConsumer.create(options).start()) {
                producer.join(120_000);
                await().atMost(Duration.ofSeconds(120)).until(() -> ledger.ackedNotConsumed() == 0);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
            }
            ReliabilityReport report = ledger.check();
            System.out.println(report.line());
            assertThat(afterFirst).isLessThan(MESSAGES);
            report.assertNothingLost().assertNoDuplicates();
            assertThat(report.acked()).isEqualTo(MESSAGES);
        }
    }

    @Test
    void aConsumerSurvivesTheBrokerBeingKilledAndRestartedAndClosesInBoundedTimeWhenItIsDead() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew(BrokerProcessOptions.defaults())) {
            String topic = TopicNames.unique("broker-kill");
            String group = TopicNames.unique("group");
            broker.createTopics(java.util.List.of(new NewTopic(topic, 3, (short) 1)));
            ReliabilityLedger ledger = ReliabilityLedger.create("consumer-broker-kill");
            try (ConsumerFixture f = new ConsumerFixture(broker.bootstrapServers())) {
                ConsumerOptions options = ConsumerOptions.builder(f.connection, group, topic).pool(f.pool)
                        .closeTimeout(Duration.ofSeconds(3))
                        .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> ledger.consumed(m.data()
                                .get("documentId").asText()))
                        .build();
                try (MessageConsumer consumer = MessageConsumer.create(options).start()) {
                    Thread producer = new Thread(() -> produce(f, topic, ledger, MESSAGES), "it-producer");
                    producer.start();
                    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.completedCount() >= MESSAGES / 4);
                    broker.kill();
                    ledger.outageStarted();
                    broker.restart();
                    ledger.outageEnded();
                    producer.join(180_000);
                    await().atMost(Duration.ofSeconds(120)).until(() -> ledger.ackedNotConsumed() == 0);
                    assertThat(consumer.isRunning()).isTrue();
                }
                ReliabilityReport report = ledger.check();
                System.out.println(report.line());
                report.assertNothingLost();

                // close() with the broker dead returns in bounded time
                MessageConsumer last = MessageConsumer.create(options).start();
                last.ready().get(60, java.util.concurrent.TimeUnit.SECONDS);
                broker.kill();
                long t0 = System.nanoTime();
                last.close(Duration.ofSeconds(3));
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                System.out.println("consumer close with the broker dead took " + took.toMillis() + " ms");
                assertThat(took).isLessThan(Duration.ofSeconds(10));
                assertThat(last.isRunning()).isFalse();
            }
        }
    }

    /** Sends {@code count} valid events (document id = ledger id), at most 500 in flight, never re-sending. */
    private void produce(ConsumerFixture f, String topic, ReliabilityLedger ledger, int count) {
        Semaphore inFlight = new Semaphore(500);
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            String id = ledger.nextId();
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ledger.sent(id);
            f.sendGood(topic, id).whenComplete((r, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof CircuitOpenException) {
                    ledger.failed(id); // rejected before sending: definitely not written
                } else {
                    ledger.sendCompleted(id, cause);
                }
                inFlight.release();
            });
        }
        inFlight.acquireUninterruptibly(500);
        if (unexpected.get() != null) {
            throw new AssertionError(unexpected.get());
        }
    }
}
