package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session manager's side of streamed answers, fed directly (the response consumer's part is tested on a broker):
 * deltas in order, each once; a reconnected session resumes after the last record its page showed; "stop generating"
 * frees the session at once and nothing of the stopped question reaches the page afterwards.
 */
class StreamedAnswersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WebSocketSessionManager manager = WebSocketSessionManager.create(SessionManagerOptions.builder()
            .meterRegistry(meters).build());

    private static RagResponse delta(String q, int seq) {
        return RagResponse.delta("s", q, seq, "t" + seq + " ", Instant.now());
    }

    private static RagResponse fin(String q, int seq) {
        return new RagResponse("s", q, "the whole answer", List.of(), RagResponse.Status.SUCCESS, null, Instant.now(),
                RagResponse.Kind.FINAL, seq, "");
    }

    private static List<String> kinds(TestConnection c) {
        return c.frames.stream().map(f -> f.path("type").asText() + ":" + f.path("seq").asText()).toList();
    }

    @Test
    void deltasArriveInOrderOnceThenTheAnswer() {
        TestConnection page = new TestConnection("s");
        manager.register(page);
        assertThat(manager.beginQuestion("s", "q1")).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
        manager.onResponse(delta("q1", 0), Instant.now());
        manager.onResponse(delta("q1", 1), Instant.now());
        manager.onResponse(delta("q1", 1), Instant.now()); // re-sent
        manager.onResponse(delta("q1", 0), Instant.now()); // replayed
        manager.onResponse(delta("q1", 2), Instant.now());
        manager.onResponse(fin("q1", 3), Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.waitingCount() == 0);
        assertThat(kinds(page)).containsExactly("delta:0", "delta:1", "delta:2", "answer:3");
        assertThat(page.frames.stream().filter(f -> f.path("type").asText().equals("delta"))
                .map(f -> f.path("text").asText()).reduce("", String::concat)).isEqualTo("t0 t1 t2 ");
        assertThat(meters.get(MetricNames.RESPONSE_DROPPED).tag("reason", "duplicate").counter().count()).isEqualTo(2);
        assertThat(meters.get(MetricNames.RESPONSE_FRAMES_PER_QUESTION).summary().max()).isEqualTo(4);
        assertThat(meters.get(MetricNames.RESPONSE_TIME_TO_FIRST_TOKEN).timer().count()).isEqualTo(1);
        assertThat(meters.get(MetricNames.RESPONSE_QUESTION_LATENCY).timer().count()).isEqualTo(1);
    }

    @Test
    void aReconnectedPageGetsOnlyWhatFollowsTheLastRecordItShowed() {
        TestConnection before = new TestConnection("s");
        manager.register(before);
        manager.beginQuestion("s", "q1");
        manager.onResponse(delta("q1", 0), Instant.now());
        manager.onResponse(delta("q1", 1), Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> before.frames.size() == 2);
        manager.unregister(before); // the page went away
        TestConnection after = new TestConnection("s");
        manager.register(after);
        manager.unregister(before); // its late close does not drop the new connection
        assertThat(manager.holds("s")).isTrue();
        assertThat(manager.resumeQuestion("s", "q1", 1)).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
        manager.onResponse(delta("q1", 3), Instant.now()); // live, ahead of the replay: held back, not a gap
        for (int seq = 0; seq < 4; seq++) { // the replay: everything kept, from the start
            manager.onReplay(delta("q1", seq), Instant.now());
        }
        manager.replayDone("s");
        manager.onResponse(fin("q1", 4), Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.waitingCount() == 0);
        assertThat(kinds(after)).containsExactly("delta:2", "delta:3", "answer:4");
        assertThat(manager.beginQuestion("s", "q2")).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
    }

    @Test
    void stopGeneratingFreesTheSessionAtOnceAndNothingOfTheQuestionFollows() {
        TestConnection page = new TestConnection("s");
        manager.register(page);
        manager.beginQuestion("s", "q1");
        manager.onResponse(delta("q1", 0), Instant.now());
        assertThat(manager.cancelQuestion("s", "q1")).isTrue();
        assertThat(manager.cancelQuestion("s", "q1")).as("only once").isFalse();
        assertThat(manager.beginQuestion("s", "q2")).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
        manager.onResponse(delta("q1", 1), Instant.now());
        manager.onResponse(fin("q1", 2), Instant.now());
        manager.onResponse(fin("q2", 0), Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.waitingCount() == 0);
        assertThat(kinds(page)).containsExactly("delta:0", "cancelled:", "answer:0");
        JsonNode last = page.frames.stream().reduce((a, b) -> b).orElseThrow();
        assertThat(last.path("questionId").asText()).isEqualTo("q2");
        assertThat(meters.get(MetricNames.RESPONSE_DROPPED).tag("reason", "cancelled").counter().count())
                .isEqualTo(2);
    }
}
