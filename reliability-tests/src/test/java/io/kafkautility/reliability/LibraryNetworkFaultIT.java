package io.kafkautility.reliability;

import static io.kafkautility.reliability.FaultScenarioSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.fault.TcpFaultProxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
        run("library-network-reset-storm", broker, proxy.address(), s -> {
            s.awaitAcked(2_000);
            s.ledger().outageStarted();
            for (int i = 0; i < 15; i++) {
                resets.addAndGet(proxy.resetConnections());
                long at = s.load().acked();
                s.awaitAcked(at + 300);
            }
            s.ledger().outageEnded();
        });
        assertThat(resets.get()).as("connections reset").isGreaterThanOrEqualTo(15);
    }

    /**
     * Scenario 6: requests reach the broker but responses are cut, so sends end ambiguous while the library's retry is
     * on (maxAttempts 4). The library must not re-send them blindly: whatever duplicates appear carry the same message
     * id, so deduplicating by id leaves no logical document delivered twice.
     */
    @Test
    void cutResponsesGiveAmbiguousSendsThatAreNeverBlindlyResent() {
        AtomicReference<FaultScenarioSupport.Scenario> scenario = new AtomicReference<>();
        ReliabilityReport report = run("library-network-cut-response", broker, proxy.address(), s -> {
            scenario.set(s);
            s.awaitAcked(2_000);
            long bytesUp = proxy.bytesUp();
            proxy.mode(TcpFaultProxy.Mode.CUT_RESPONSE);
            s.ledger().outageStarted();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> s.ledger().check().ambiguous() > 0 && proxy.bytesUp() > bytesUp);
            proxy.mode(TcpFaultProxy.Mode.PASS);
            s.ledger().outageEnded();
        });
        long dedupedDuplicates = scenario.get().deliveries().documentsUnderSeveralIds();
        long logDuplicates = FaultScenarioSupport.logDuplicates(broker, scenario.get().topic());
        System.out.printf("library-network-cut-response: raw duplicates (same id delivered again)=%d, of which "
                + "written twice to the log=%d; duplicates after dedup by message id (a document under a second id)=%d%n",
                report.duplicates(), logDuplicates, dedupedDuplicates);
        assertThat(report.ambiguous()).as("responses were cut: some sends ended ambiguous").isPositive();
        assertThat(dedupedDuplicates).as("no blind re-send under a new id").isZero();
        assertThat(logDuplicates).as("no ambiguous send re-sent by the library: no id written twice").isZero();
    }
}
