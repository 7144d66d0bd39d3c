package io.kafkautility.response;

import static io.kafkautility.metrics.MetricNames.RESPONSE_DELIVERIES;
import static io.kafkautility.metrics.MetricNames.RESPONSE_DROPPED;
import static io.kafkautility.metrics.MetricNames.TAG_OUTCOME;
import static io.kafkautility.metrics.MetricNames.TAG_REASON;
import static io.kafkautility.response.WebSocketSessionManager.Admission.ACCEPTED;
import static io.kafkautility.response.WebSocketSessionManager.Admission.REJECTED_PENDING;
import static io.kafkautility.response.WebSocketSessionManager.Admission.REJECTED_UNKNOWN_SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Routing of replies to sessions through a real broker. */
@KafkaTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRoutingIT {

    ReplyFixture f;

    @BeforeAll
    void start(KafkaCluster cluster) {
        // the default question timeout: a loaded machine must not time out the questions these tests answer
        f = new ReplyFixture(cluster, b -> b, b -> b);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void replyForASessionClosedBeforeItArrivesIsDroppedAndCounted() {
        TestConnection closing = f.open("closing");
        TestConnection other = f.open("other-of-closing");
        assertThat(f.ask("closing", "q1")).isEqualTo(ACCEPTED);
        assertThat(f.ask("other-of-closing", "q1")).isEqualTo(ACCEPTED);
        // broadcast mode: every instance reads every reply and drops those of sessions it does not hold (these have no
        // ku_session header, as from a foreign producer, so they are decoded to find it)
        double before = f.count(RESPONSE_DROPPED, TAG_REASON, "not_held_decoded");
        f.manager.unregister("closing");
        closing.open = false;
        f.reply("closing", "q1");
        f.reply("other-of-closing", "q1");
        await().atMost(Duration.ofSeconds(30)).until(() -> other.answers().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> f.count(RESPONSE_DROPPED, TAG_REASON, "not_held_decoded")
                == before + 1);
        assertThat(closing.frames()).isEmpty();
        assertThat(f.manager.beginQuestion("closing", "q2")).isEqualTo(REJECTED_UNKNOWN_SESSION);
        f.manager.unregister("other-of-closing");
    }

    @Test
    void secondQuestionWhileOneIsPendingIsRejectedAndNothingGoesToKafka() {
        TestConnection c = f.open("busy");
        long published = f.questionsPublished();
        assertThat(f.ask("busy", "q1")).isEqualTo(ACCEPTED);
        assertThat(f.ask("busy", "q2")).isEqualTo(REJECTED_PENDING);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.errors().size() == 1);
        assertThat(c.errors().get(0).path("code").asText()).isEqualTo("QUESTION_PENDING");
        assertThat(c.errors().get(0).path("questionId").asText()).isEqualTo("q2");
        assertThat(c.errors().get(0).path("message").asText()).contains("q1");
        assertThat(f.questionsPublished()).isEqualTo(published + 1);

        f.reply("busy", "q1");
        await().atMost(Duration.ofSeconds(30)).until(() -> c.answers().size() == 1);
        assertThat(c.answers().get(0).path("questionId").asText()).isEqualTo("q1");
        assertThat(c.answers().get(0).path("sources").size()).isEqualTo(2);
        // after delivery the session takes the next question
        await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.beginQuestion("busy", "q3") == ACCEPTED);
        f.manager.unregister("busy");
    }

    @Test
    void staleReplyAfterATimeoutNeverAnswersTheNewerQuestion(KafkaCluster cluster) {
        // its own fixture: a question timeout short enough to wait for, long enough for the newer question's answer
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b.questionTimeout(Duration.ofSeconds(5)), b -> b)) {
            staleReplyNeverAnswersTheNewerQuestion(f);
        }
    }

    private static void staleReplyNeverAnswersTheNewerQuestion(ReplyFixture f) {
        TestConnection c = f.open("slow-llm");
        assertThat(f.ask("slow-llm", "old")).isEqualTo(ACCEPTED);
        await().atMost(Duration.ofSeconds(20)).until(() -> c.errors().size() == 1);
        assertThat(c.errors().get(0).path("code").asText()).isEqualTo("QUESTION_TIMEOUT");
        assertThat(c.errors().get(0).path("questionId").asText()).isEqualTo("old");
        assertThat(f.ask("slow-llm", "new")).isEqualTo(ACCEPTED);

        double stale = f.count(RESPONSE_DROPPED, TAG_REASON, "stale");
        f.reply("slow-llm", "old");
        await().atMost(Duration.ofSeconds(30)).until(() -> f.count(RESPONSE_DROPPED, TAG_REASON, "stale") == stale + 1);
        assertThat(c.answers()).isEmpty();
        assertThat(f.manager.beginQuestion("slow-llm", "another")).isEqualTo(REJECTED_PENDING);

        f.reply("slow-llm", "new");
        await().atMost(Duration.ofSeconds(30)).until(() -> c.answers().size() == 1);
        assertThat(c.answers().get(0).path("questionId").asText()).isEqualTo("new");
        f.manager.unregister("slow-llm");
    }

    /** Commits are asynchronous per batch; stopping must still commit every reply handed to a session. */
    @Test
    void stoppingCommitsEveryReplyHandedToASession(KafkaCluster cluster) throws Exception {
        String group = io.kafkautility.testkit.TopicNames.unique("ui-stop");
        try (ReplyFixture g = new ReplyFixture(cluster, b -> b, b -> b.groupId(group)
                .mode(ResponseConsumerOptions.Mode.GROUP))) {
            TestConnection c = g.open("stopper");
            for (int i = 0; i < 30; i++) {
                assertThat(g.ask("stopper", "q" + i)).isEqualTo(ACCEPTED);
                g.reply("stopper", "q" + i);
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(30)).until(() -> c.answers().size() == expected);
            }
            g.consumer.close();
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    cluster.clientProperties())) {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS).values().stream()
                        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).sum();
                assertThat(committed).as("committed offsets over the 3 partitions").isEqualTo(30);
            }
        }
    }

    @Test
    void failedDeliveryClearsTheSession() {
        TestConnection c = f.open("broken-pipe");
        c.behaviour = text -> java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("reset"));
        double failed = f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "failed");
        assertThat(f.ask("broken-pipe", "q1")).isEqualTo(ACCEPTED);
        f.reply("broken-pipe", "q1");
        await().atMost(Duration.ofSeconds(30)).until(() -> f.count(RESPONSE_DELIVERIES, TAG_OUTCOME, "failed") == failed + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> f.manager.beginQuestion("broken-pipe", "q2") == ACCEPTED);
        f.manager.unregister("broken-pipe");
    }
}
