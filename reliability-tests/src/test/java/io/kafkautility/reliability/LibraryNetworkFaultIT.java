package io.kafkautility.reliability;

import static io.kafkautility.reliability.FaultScenarioSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.fault.TcpFaultProxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Network faults between the library's clients and a broker process that advertises a {@link TcpFaultProxy}, so every
 * connection of the library's producer and consumer (bootstrap and after) goes through the proxy. Topics are created
 * on the broker's internal listener, outside the fault.
 */
class LibraryNetworkFaultIT {

    private static TcpFaultProxy proxy;
    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void start() {
        proxy = TcpFaultProxy.start();
        broker = KafkaBrokerProcess.create(BrokerProcessOptions.builder().advertisedListener(proxy.address()).build());
        proxy.target(broker.clientAddress());
        broker.start();
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

    /** Scenario 4: nothing passes either way (no RST, no FIN) until sends time out, then the network heals. */
    @Test
    void blackholeForSeveralSecondsThenPass() {
        ReliabilityReport report = run("library-network-blackhole", broker, proxy.address(), s -> {
            s.awaitAcked(5_000);
            long before = s.load().notAcked();
            proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
            s.ledger().outageStarted();
            s.awaitFaultSeen(before); // delivery timeout 8 s: the blackhole lasts at least that long
            proxy.mode(TcpFaultProxy.Mode.PASS);
            s.ledger().outageEnded();
        });
        assertThat(report.ambiguous() + report.failed()).as("the blackhole was felt").isPositive();
    }

    /** Scenario 5: every open connection is reset 15 times, each time after the stream made progress. */
    @Test
    void connectionResetStorm() {
        AtomicLong resets = new AtomicLong();
        // an unbounded stream, stopped after the storm, 2,000 more acks and at least 20,000 in all: on a fast machine a fixed-size stream could
        // finish before the 15th reset and leave nothing to make progress with
        run("library-network-reset-storm", broker, proxy.address(), UnaryOperator.identity(), Integer.MAX_VALUE, s -> {
            s.awaitAcked(2_000);
            s.ledger().outageStarted();
            for (int i = 0; i < 15; i++) {
                resets.addAndGet(proxy.resetConnections());
                long at = s.load().acked();
                s.awaitAcked(at + 300);
            }
            s.ledger().outageEnded();
            s.awaitAcked(Math.max(s.load().acked() + 2_000, FaultScenarioSupport.MESSAGES));
            s.load().stopSending();
        });
        assertThat(resets.get()).as("connections reset").isGreaterThanOrEqualTo(15);
    }

    /**
     * Scenario 6: requests reach the broker but responses are cut, so sends end ambiguous while the library's retry is
     * on (maxAttempts 4). The library must not re-send them blindly: whatever duplicates appear carry the same message
     * id, so deduplicating by id leaves no logical document delivered twice; and since the library never re-sends an
     * ambiguous send (and its Kafka producer is idempotent) no id is written to the log twice.
     */
    @Test
    void cutResponsesGiveAmbiguousSendsThatAreNeverBlindlyResent() {
        CutResponseResult r = cutResponses("library-network-cut-response", UnaryOperator.identity(),
                // heal once sends have ended ambiguous (delivery timeout 8 s)
                s -> () -> s.ledger().check().ambiguous() > 0);
        assertThat(r.report().ambiguous()).as("responses were cut: some sends ended ambiguous").isPositive();
        assertThat(r.dedupedDuplicates()).as("no blind re-send under a new id").isZero();
        assertThat(r.logDuplicates()).as("no ambiguous send re-sent by the library: no id written twice").isZero();
    }

    /**
     * Negative control of scenario 6: with the Kafka producer's idempotence turned off (a pass-through Kafka setting)
     * and a delivery timeout longer than the cut, Kafka's own retries after the request timeout write records twice
     * once responses flow again; the log check must see it, and the copies carry the same message id, so
     * deduplicating by id still leaves no document delivered twice.
     */
    @Test
    void negativeControlNonIdempotentKafkaProducerWritesTwiceUnderTheSameId() {
        CutResponseResult r = cutResponses("library-network-cut-response-non-idempotent",
                b -> b.kafkaProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)
                        .deliveryTimeout(Duration.ofSeconds(60)),
                // heal once the producer timed a request out (2 s) and reconnected through the proxy
                s -> {
                    long acceptedBefore = proxy.acceptedConnections();
                    return () -> proxy.acceptedConnections() > acceptedBefore;
                });
        assertThat(r.logDuplicates()).as("the log check flags records written twice").isPositive();
        assertThat(r.dedupedDuplicates()).as("duplicates carry the same id").isZero();
    }

    private record CutResponseResult(ReliabilityReport report, long logDuplicates, long dedupedDuplicates) {
    }

    private static CutResponseResult cutResponses(String name, UnaryOperator<ProducerOptions.Builder> tweak,
            Function<FaultScenarioSupport.Scenario, BooleanSupplier> healWhen) {
        AtomicReference<FaultScenarioSupport.Scenario> scenario = new AtomicReference<>();
        ReliabilityReport report = run(name, broker, proxy.address(), tweak, s -> {
            scenario.set(s);
            s.awaitAcked(2_000);
            long bytesUp = proxy.bytesUp();
            BooleanSupplier heal = healWhen.apply(s);
            proxy.mode(TcpFaultProxy.Mode.CUT_RESPONSE);
            s.ledger().outageStarted();
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> heal.getAsBoolean() && proxy.bytesUp() > bytesUp);
            proxy.mode(TcpFaultProxy.Mode.PASS);
            s.ledger().outageEnded();
        });
        long dedupedDuplicates = scenario.get().deliveries().documentsUnderSeveralIds();
        long logDuplicates = FaultScenarioSupport.logDuplicates(broker, scenario.get().topic());
        System.out.printf("%s: raw duplicates (same id delivered again)=%d, of which written twice to the log=%d; "
                + "duplicates after dedup by message id (a document under a second id)=%d%n", name,
                report.duplicates(), logDuplicates, dedupedDuplicates);
        return new CutResponseResult(report, logDuplicates, dedupedDuplicates);
    }
}
