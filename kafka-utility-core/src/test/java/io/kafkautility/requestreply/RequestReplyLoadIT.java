package io.kafkautility.requestreply;

import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kafkautility.requestreply.RrSupport.client;
import static io.kafkautility.requestreply.RrSupport.echo;
import static org.assertj.core.api.Assertions.assertThat;

@KafkaTest
class RequestReplyLoadIT {

    @Test
    void tenThousandConcurrentRequestsAllCompleteWithBoundedThreads(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("load-requests");
        cluster.createTopic(requestTopic, 3, (short) 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int n = 10_000;
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> client = RequestReplyClient.create(
                     client(cluster, requestTopic, registry).maxPendingRequests(n)
                             .defaultTimeout(Duration.ofMinutes(2)).build())) {
            client.ready().get(30, TimeUnit.SECONDS);
            // warm-up, so the measured burst does not include metadata fetches
            for (int i = 0; i < 200; i++) {
                assertThat(client.request("warm-" + i).get(30, TimeUnit.SECONDS)).isEqualTo("warm-" + i);
            }
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            int peakThreads = threadsBefore;
            long t0 = System.nanoTime();
            List<CompletableFuture<String>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                futures.add(client.request("req-" + i));
                if (i % 1000 == 0) {
                    peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                }
            }
            int maxPending = client.pendingCount();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            long elapsedNanos = System.nanoTime() - t0;
            peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
            for (int i = 0; i < n; i++) {
                assertThat(futures.get(i).join()).isEqualTo("req-" + i);
            }
            assertThat(client.pendingCount()).isZero();
            assertThat(peakThreads - threadsBefore).as("no thread per request").isLessThanOrEqualTo(5);
            Timer rt = registry.get(MetricNames.REQUEST_REPLY_ROUND_TRIP).tag("outcome", "success").timer();
            assertThat((long) rt.count()).isEqualTo(n + 200L);
            System.out.printf("LOAD %d concurrent requests: %.0f req/s, mean round trip %.1f ms, max %.1f ms, "
                            + "pending after send %d, threads before %d peak %d%n", n,
                    n / (elapsedNanos / 1e9), rt.mean(TimeUnit.MILLISECONDS), rt.max(TimeUnit.MILLISECONDS),
                    maxPending, threadsBefore, peakThreads);
        }
    }

    @Test
    void sequentialRoundTripsForAFeelOfLatency(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("seq-requests");
        cluster.createTopics(requestTopic);
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> client = RequestReplyClient.create(
                     client(cluster, requestTopic, new SimpleMeterRegistry()).build())) {
            int n = 2000;
            long[] nanos = new long[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                assertThat(client.request("s" + i).get(30, TimeUnit.SECONDS)).isEqualTo("s" + i);
                nanos[i] = System.nanoTime() - t;
            }
            long[] measured = java.util.Arrays.copyOfRange(nanos, n / 2, n);
            java.util.Arrays.sort(measured);
            System.out.printf("SEQUENTIAL %d round trips (after %d warm-up): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    measured.length, n / 2, measured[measured.length / 2] / 1e6,
                    measured[(int) (measured.length * 0.99)] / 1e6, measured[measured.length - 1] / 1e6);
            assertThat(client.pendingCount()).isZero();
        }
    }
}
