package io.kafkautility.response;

import static io.kafkautility.response.WebSocketSessionManager.Admission.ACCEPTED;
import static io.kafkautility.response.WebSocketSessionManager.Admission.REJECTED_PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 1,000 sessions each submitting two questions at the same instant: exactly one per session passes. */
@KafkaTest
class ConcurrentSubmissionsIT {

    @Test
    void twoConcurrentSubmissionsOnOneSessionNeverBothPass(KafkaCluster cluster) throws Exception {
        int sessions = 1_000;
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            List<TestConnection> connections = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                connections.add(f.open("c-" + i));
            }
            long publishedBefore = f.questionsPublished();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            int violations = 0;
            int accepted = 0;
            try {
                for (int i = 0; i < sessions; i++) {
                    String id = "c-" + i;
                    CyclicBarrier gate = new CyclicBarrier(2);
                    Future<WebSocketSessionManager.Admission> a = pool.submit(() -> {
                        gate.await();
                        return f.ask(id, "a");
                    });
                    Future<WebSocketSessionManager.Admission> b = pool.submit(() -> {
                        gate.await();
                        return f.ask(id, "b");
                    });
                    var ra = a.get(10, TimeUnit.SECONDS);
                    var rb = b.get(10, TimeUnit.SECONDS);
                    int passed = (ra == ACCEPTED ? 1 : 0) + (rb == ACCEPTED ? 1 : 0);
                    int rejected = (ra == REJECTED_PENDING ? 1 : 0) + (rb == REJECTED_PENDING ? 1 : 0);
                    if (passed != 1 || rejected != 1) {
                        violations++;
                    }
                    accepted += passed;
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(violations).isZero();
            assertThat(accepted).isEqualTo(sessions);
            await().atMost(Duration.ofSeconds(30)).until(() -> f.questionsPublished() - publishedBefore == sessions);
            assertThat(f.manager.waitingCount()).isEqualTo(sessions);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> connections.stream().allMatch(c -> c.errors().size() == 1));

            // the question that passed gets its answer through Kafka; the rejected one is never answered
            for (int i = 0; i < sessions; i++) {
                TestConnection c = connections.get(i);
                String rejectedId = c.errors().get(0).path("questionId").asText();
                String acceptedId = rejectedId.equals("a") ? "b" : "a";
                f.replyAsync(c.id(), rejectedId);
                f.replyAsync(c.id(), acceptedId);
            }
            f.producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> f.manager.waitingCount() == 0);
            for (TestConnection c : connections) {
                assertThat(c.answers()).hasSize(1);
                assertThat(c.answers().get(0).path("questionId").asText())
                        .isNotEqualTo(c.errors().get(0).path("questionId").asText());
            }
            System.out.printf("CONCURRENT sessions=%d doubleSubmissions=%d accepted=%d violations=%d published=%d%n",
                    sessions, sessions, accepted, violations, f.questionsPublished() - publishedBefore);
        }
    }
}
