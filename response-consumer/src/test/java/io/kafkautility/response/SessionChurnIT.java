package io.kafkautility.response;

import static io.kafkautility.metrics.MetricNames.RESPONSE_DELIVERIES;
import static io.kafkautility.metrics.MetricNames.RESPONSE_DROPPED;
import static io.kafkautility.metrics.MetricNames.TAG_OUTCOME;
import static io.kafkautility.metrics.MetricNames.TAG_REASON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 10,000 sessions open, ask, get answers through Kafka (or close first) and close: every map back to baseline. */
@KafkaTest
class SessionChurnIT {

    @Test
    void tenThousandSessionsComeAndGoAndMemoryReturnsToBaseline(KafkaCluster cluster) {
        int n = 10_000;
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            WebSocketSessionManager.Stats baseline = f.manager.stats();
            assertThat(baseline).isEqualTo(new WebSocketSessionManager.Stats(0, 0, 0, 0));
            long heapBefore = usedHeap();
            for (int round = 1; round <= 2; round++) {
                long t0 = System.nanoTime();
                List<TestConnection> connections = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    connections.add(f.open("r" + round + "-" + i));
                }
                for (TestConnection c : connections) {
                    assertThat(f.ask(c.id(), "q")).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
                }
                assertThat(f.manager.stats().sessions()).isEqualTo(n);
                assertThat(f.manager.waitingCount()).isEqualTo(n);
                // every tenth browser goes away before its answer arrives
                for (int i = 0; i < n; i += 10) {
                    f.manager.unregister(connections.get(i).id());
                }
                double delivered = f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "success");
                double unknown = f.count(RESPONSE_DROPPED, TAG_REASON, "not_held_decoded");
                connections.forEach(c -> f.replyAsync(c.id(), "q"));
                f.producer.flush();
                await().atMost(Duration.ofSeconds(120)).until(() -> f.manager.waitingCount() == 0);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "success") - delivered == n - n / 10
                                && f.count(RESPONSE_DROPPED, TAG_REASON, "not_held_decoded") - unknown == n / 10);
                connections.forEach(c -> f.manager.unregister(c.id()));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.stats().equals(baseline));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("CHURN round %d: %d sessions opened, asked, answered via Kafka (%d closed early), "
                        + "closed in %d ms; stats %s; heap used %d MiB (before %d MiB)%n", round, n, n / 10, ms,
                        f.manager.stats(), usedHeap() >> 20, heapBefore >> 20);
                for (int i = 0; i < n; i += 10) {
                    assertThat(connections.get(i).answers()).isEmpty();
                }
                assertThat(connections.get(1).answers()).hasSize(1);
            }
            assertThat(f.meters.get(MetricNames.RESPONSE_SESSIONS).gauge().value()).isZero();
            assertThat(f.meters.get(MetricNames.RESPONSE_SESSIONS_WAITING).gauge().value()).isZero();
        }
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
