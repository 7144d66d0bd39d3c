package io.kafkautility.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.response.ReplyFixture;
import io.kafkautility.response.TestConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.kafkautility.testkit.junit.BrokerProcessExtension;

/**
 * The UI's response consumer (broadcast mode, the default: every partition, no group) while the broker process is
 * killed and restarted, or paused until the consumer's health says the brokers stopped answering: replies (Confluent-framed Avro, as the LLM service and Flink write them) flow from a producer to
 * {@code respostas}, and each must reach the WebSocket session that asked. The ledger: {@code produced} = replies sent,
 * {@code acked} = acknowledged by the broker, {@code ambiguous} = sends that failed (written or not, the producer
 * cannot know), {@code consumed} = answer frames that reached their session, so {@code lost} = acknowledged replies no
 * session got (must be 0) and {@code duplicates} = a session that got its answer twice (the session manager delivers
 * only the question a session waits for, so redelivered replies are dropped as stale and this must be 0 too). After
 * the fault the consumer is ready and delivering again, and no session waits.
 */
class ResponseConsumerBrokerFaultIT {

    private static final int REPLIES = Integer.getInteger("reliability.replies", 3_000);
    private static final int IN_FLIGHT = 64;
    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private static KafkaBrokerProcess broker() {
        return BROKER.process();
    }

    @Test
    void brokerKilledAndRestartedWhileRepliesFlow() throws Exception {
        run("response-consumer-broker-kill", ledger -> {
            broker().kill();
            ledger.outageStarted();
            broker().start();
            ledger.outageEnded();
        });
    }

    @Test
    void brokerPausedUntilTheConsumerReportsItDownThenResumed() throws Exception {
        run("response-consumer-broker-pause", ledger -> {
            broker().pause();
            ledger.outageStarted();
            // until the consumer says so: the brokers have not answered it for 9 s
            await().atMost(Duration.ofSeconds(60)).until(() -> consumerHealth.get().status() == HealthStatus.DOWN);
            broker().resume();
            ledger.outageEnded();
        });
    }

    private final java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<Health>> health =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.function.Supplier<Health> consumerHealth = () -> health.get().get();

    private void run(String name, Consumer<ReliabilityLedger> fault) throws Exception {
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        try (ReplyFixture f = new ReplyFixture(broker(), m -> m.questionTimeout(Duration.ofMinutes(10)),
                c -> c.kafkaProperty("session.timeout.ms", 10_000).kafkaProperty("heartbeat.interval.ms", 1_000)
                        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            health.set(f.consumer::health);
            List<TestConnection> sessions = new ArrayList<>();
            for (int i = 0; i < REPLIES; i++) {
                String id = ledger.nextId();
                TestConnection c = f.open("session-" + id);
                assertThat(f.manager.beginQuestion(c.id(), id)).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
                sessions.add(c);
            }
            AtomicLong completed = new AtomicLong();
            Semaphore window = new Semaphore(IN_FLIGHT);
            Thread load = new Thread(() -> {
                for (TestConnection session : sessions) {
                    String questionId = session.id().substring("session-".length());
                    try {
                        window.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    ledger.sent(questionId);
                    byte[] value = f.encode(ReplyFixture.response(session.id(), questionId));
                    try {
                        f.producer.send(new ProducerRecord<>(f.topic, session.id(), value), (md, e) -> {
                            ledger.sendCompleted(questionId, e);
                            completed.incrementAndGet();
                            window.release();
                        });
                    } catch (RuntimeException e) {
                        ledger.sendCompleted(questionId, e);
                        completed.incrementAndGet();
                        window.release();
                    }
                }
            }, name + "-load");
            load.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> delivered(sessions) >= REPLIES / 4);
            fault.accept(ledger);
            long deliveredAtRecovery = delivered(sessions);
            load.join(TimeUnit.MINUTES.toMillis(4));
            assertThat(load.isAlive()).as("every reply was sent").isFalse();
            await().atMost(Duration.ofSeconds(180)).until(() -> completed.get() == REPLIES);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                for (TestConnection s : sessions) {
                    String q = s.id().substring("session-".length());
                    if (ledger.outcome(q) == ReliabilityLedger.SendOutcome.ACKED && s.frames.isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(delivered(sessions)).as("replies reach sessions again after the fault")
                    .isGreaterThan(deliveredAtRecovery);
            assertThat(f.consumer.isRunning()).isTrue();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(f.consumer.health().status())
                    .as("health after the fault: %s", f.consumer.health()).isNotEqualTo(HealthStatus.DOWN));
            assertThat(f.consumer.ready()).isCompleted();
            for (TestConnection s : sessions) {
                for (JsonNode frame : s.frames) {
                    ledger.consumed(frame.path("questionId").asText());
                }
            }
            ReliabilityReport report = ledger.check();
            System.out.printf("%s: %d sessions answered, %d waiting, consumer health %s%n", name, delivered(sessions),
                    f.manager.waitingCount(), f.consumer.health());
            System.out.println(report.line());
            report.assertNothingLost();
            assertThat(report.duplicates()).as("no session got its answer twice").isZero();
            assertThat(report.pending()).as("every send completed").isZero();
            assertThat(report.produced()).isEqualTo(REPLIES);
        }
    }

    private static long delivered(List<TestConnection> sessions) {
        return sessions.stream().filter(s -> !s.frames.isEmpty()).count();
    }
}
