package io.kafkautility.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestHandler;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.kafkautility.testkit.junit.BrokerProcessExtension;

/**
 * Request-reply between a requester and a responder while the broker process is killed and restarted, or paused past
 * the request timeout. The ledger: {@code produced} = requests asked, {@code acked} = replies the requester received,
 * {@code ambiguous} = requests that failed (timed out or could not be sent: handled or not, the requester cannot know),
 * {@code consumed} = handler invocations, so {@code duplicates} = requests handled more than once (at-least-once after
 * a fault) and {@code lost} = replies received for requests never handled (must be 0). Every future completes
 * ({@code pending=0}), the client's pending map and the responder's in-flight count go back to 0, and requests succeed
 * again after the fault.
 */
class RequestReplyBrokerFaultIT {

    private static final int REQUESTS = Integer.getInteger("reliability.requests", 3_000);
    private static final int IN_FLIGHT = 32;
    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private static KafkaBrokerProcess broker() {
        return BROKER.process();
    }

    @Test
    void brokerKilledAndRestartedWhileRequestsFlow() throws Exception {
        run("request-reply-broker-kill", s -> {
            broker().kill();
            s.ledger.outageStarted();
            broker().start();
            s.ledger.outageEnded();
        });
    }

    @Test
    void brokerPausedPastTheRequestTimeoutThenResumed() throws Exception {
        run("request-reply-broker-pause", s -> {
            long failedBefore = s.notAcked.get();
            broker().pause();
            s.ledger.outageStarted();
            await().atMost(Duration.ofSeconds(60)).until(() -> s.notAcked.get() > failedBefore);
            broker().resume();
            s.ledger.outageEnded();
        });
    }

    private record Scenario(ReliabilityLedger ledger, AtomicLong acked, AtomicLong notAcked) {
    }

    private void run(String name, Consumer<Scenario> fault) throws Exception {
        String requestTopic = TopicNames.unique(name);
        broker().createTopic(requestTopic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        AtomicLong acked = new AtomicLong();
        AtomicLong notAcked = new AtomicLong();
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker().bootstrapServers());
        ResponderOptions<String, String> responderOptions = ResponderOptions.builder(java.util.List.of(requestTopic),
                        TopicNames.unique("responders"), PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperties(kafka).name(name + "-responder").build();
        RequestReplyOptions<String, String> clientOptions = RequestReplyOptions.builder(requestTopic,
                        PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperties(kafka).clientName(name + "-client").defaultTimeout(Duration.ofSeconds(8)).build();
        ReliabilityReport report;
        try (Responder<String, String> responder = Responder.create(responderOptions, RequestHandler.sync(id -> {
                 ledger.consumed(id);
                 return id;
             }));
             RequestReplyClient<String, String> client = RequestReplyClient.create(clientOptions)) {
            responder.ready().get(60, TimeUnit.SECONDS);
            client.ready().get(60, TimeUnit.SECONDS);
            Semaphore window = new Semaphore(IN_FLIGHT);
            Thread load = new Thread(() -> {
                for (int i = 0; i < REQUESTS; i++) {
                    try {
                        window.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    String id = ledger.nextId();
                    ledger.sent(id);
                    client.request(id).whenComplete((reply, error) -> {
                        if (error == null && id.equals(reply)) {
                            ledger.acked(id);
                            acked.incrementAndGet();
                        } else {
                            ledger.ambiguous(id); // timed out or not sent: handled or not, the requester can't know
                            notAcked.incrementAndGet();
                        }
                        window.release();
                    });
                }
            }, name + "-load");
            load.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> acked.get() >= REQUESTS / 4);
            fault.accept(new Scenario(ledger, acked, notAcked));
            long ackedAtRecovery = acked.get();
            load.join(TimeUnit.MINUTES.toMillis(4));
            assertThat(load.isAlive()).as("every request was asked").isFalse();
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() + notAcked.get() == REQUESTS);
            assertThat(acked.get()).as("requests succeed again after the fault").isGreaterThan(ackedAtRecovery);
            await().atMost(Duration.ofSeconds(30)).until(() -> client.pendingCount() == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> responder.inFlight() == 0);
            report = ledger.check();
            System.out.printf("%s: %d answered, %d failed (timed out), client pending %d, responder in flight %d%n",
                    name, acked.get(), notAcked.get(), client.pendingCount(), responder.inFlight());
        }
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.pending()).as("every future completed").isZero();
        assertThat(report.produced()).isEqualTo(REQUESTS);
    }
}
