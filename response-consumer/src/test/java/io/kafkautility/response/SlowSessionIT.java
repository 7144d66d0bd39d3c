package io.kafkautility.response;

import static io.kafkautility.metrics.MetricNames.RESPONSE_DELIVERIES;
import static io.kafkautility.metrics.MetricNames.TAG_OUTCOME;
import static io.kafkautility.response.WebSocketSessionManager.Admission.ACCEPTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One browser that cannot take a frame for 10 s never delays the others. */
@KafkaTest
class SlowSessionIT {

    @Test
    void sessionsWhoseSendBlocksFor10sDoNotDelayTheOthers(KafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b.sendTimeout(Duration.ofSeconds(20)), b -> b)) {
            // one transport blocks the calling thread (a misbehaving synchronous send) ...
            CountDownLatch release = new CountDownLatch(1);
            TestConnection blocking = f.open("blocking");
            blocking.behaviour = text -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return CompletableFuture.completedFuture(null);
            };
            // ... the other completes its asynchronous send only after 10 s (a full TCP window)
            TestConnection stalled = f.open("stalled");
            stalled.behaviour = text -> CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS));
            List<TestConnection> others = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                others.add(f.open("fast-" + i));
            }
            assertThat(f.manager.beginQuestion("blocking", "q")).isEqualTo(ACCEPTED);
            assertThat(f.manager.beginQuestion("stalled", "q")).isEqualTo(ACCEPTED);
            others.forEach(c -> assertThat(f.manager.beginQuestion(c.id(), "q")).isEqualTo(ACCEPTED));

            f.reply("blocking", "q");
            f.reply("stalled", "q");
            long slowProducedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> f.manager.stats().queuedFrames() == 0
                    && f.manager.waitingCount() == 52);
            long t0 = System.nanoTime();
            others.forEach(c -> f.replyAsync(c.id(), "q"));
            f.producer.flush();
            // well inside the 10 s the two slow sessions stay blocked (checked just below)
            await().atMost(Duration.ofSeconds(5)).until(() -> others.stream().allMatch(c -> c.answers().size() == 1));
            long othersMs = (System.nanoTime() - t0) / 1_000_000;
            long slowBlockedMs = (System.nanoTime() - slowProducedAt) / 1_000_000;
            assertThat(blocking.answers()).isEmpty();
            assertThat(stalled.answers()).isEmpty();
            System.out.printf("SLOW-SESSION 50 other sessions answered within %d ms while two sessions were blocked "
                    + "(%d ms so far)%n", othersMs, slowBlockedMs);

            await().atMost(Duration.ofSeconds(20)).until(() -> blocking.answers().size() == 1
                    && stalled.answers().size() == 1);
            // the session is freed before its delivery is counted
            await().atMost(Duration.ofSeconds(5)).until(() -> f.manager.waitingCount() == 0
                    && f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "success") == 52);
        }
    }

    @Test
    void aSendThatExceedsTheSendTimeoutFailsTheDeliveryAndClearsTheSession(KafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b.sendTimeout(Duration.ofSeconds(1)), b -> b)) {
            TestConnection stuck = f.open("stuck");
            stuck.behaviour = text -> new CompletableFuture<>();
            assertThat(f.manager.beginQuestion("stuck", "q1")).isEqualTo(ACCEPTED);
            f.reply("stuck", "q1");
            await().atMost(Duration.ofSeconds(30)).until(() -> f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "timeout") == 1);
            assertThat(f.manager.waitingCount()).isZero();
            stuck.behaviour = null;
            assertThat(f.manager.beginQuestion("stuck", "q2")).isEqualTo(ACCEPTED);
            f.reply("stuck", "q2");
            await().atMost(Duration.ofSeconds(30)).until(() -> stuck.answers().size() == 1);
        }
    }

    @Test
    void aFullSendBufferFailsTheDeliveryInsteadOfGrowing(KafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b.maxQueuedFrames(1).sendTimeout(Duration.ofSeconds(30)),
                b -> b)) {
            TestConnection jammed = f.open("jammed");
            CompletableFuture<Void> unjam = new CompletableFuture<>();
            jammed.behaviour = text -> unjam;
            // two rejected questions fill the line: the first error frame is being sent, the second is queued
            assertThat(f.manager.beginQuestion("jammed", "q1")).isEqualTo(ACCEPTED);
            f.manager.beginQuestion("jammed", "x1");
            await().atMost(Duration.ofSeconds(5)).until(() -> f.manager.stats().queuedFrames() == 0);
            f.manager.beginQuestion("jammed", "x2");
            await().atMost(Duration.ofSeconds(5)).until(() -> f.manager.stats().queuedFrames() == 1);
            f.reply("jammed", "q1");
            await().atMost(Duration.ofSeconds(30)).until(() -> f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "buffer_full") == 1);
            assertThat(f.manager.waitingCount()).isZero();
            unjam.complete(null);
        }
    }
}
