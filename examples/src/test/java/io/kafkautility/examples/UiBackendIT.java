package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The UI backend driven by a real WebSocket client ({@code java.net.http.WebSocket}) over a real broker. */
@KafkaTest
class UiBackendIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesThePageAndAnswersOneQuestionAtATimeThroughKafka(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ui.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<form id=\"ask\"", "/chat");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("frame-ancestors 'none'", "connect-src 'self'", "default-src 'none'");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

            Frames frames = new Frames();
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + ui.port() + "/chat"), frames).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"type\":\"hello\",\"token\":null}", true).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> frames.of("session").size() == 1);
            assertThat(frames.of("session").get(0).path("resumed").asBoolean()).isFalse();
            assertThat(ui.stack.backend().sessions().sessionCount()).isEqualTo(1);

            socket.sendText("{\"type\":\"ask\",\"questionId\":\"q-1\",\"question\":\"How is nothing lost?\"}", true)
                    .get();
            socket.sendText("{\"type\":\"ask\",\"questionId\":\"q-2\",\"question\":\"Too soon\"}", true).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> frames.of("answer").size() == 1);
            JsonNode answer = frames.of("answer").get(0);
            assertThat(answer.get("questionId").asText()).isEqualTo("q-1");
            assertThat(answer.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(answer.get("answer").asText()).contains("How is nothing lost?", "replicated log");
            JsonNode rejected = frames.of("error").get(0);
            assertThat(rejected.get("questionId").asText()).isEqualTo("q-2");

            // the session is idle again once the answer's send has completed: the next question is answered
            await().atMost(Duration.ofSeconds(10)).until(() -> ui.stack.backend().sessions().waitingCount() == 0);
            socket.sendText("{\"type\":\"ask\",\"questionId\":\"q-3\",\"question\":\"And offsets?\"}", true).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> frames.of("answer").size() == 2);
            assertThat(frames.of("answer").get(1).get("questionId").asText()).isEqualTo("q-3");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ui.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("kafka_utility_messages_sent_total", "kafka_utility_response_",
                    "kafka_producer_");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ui.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode healthJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.body());
            assertThat(healthJson.path("status").asText()).isEqualTo("UP");
            assertThat(healthJson.path("components").get(0).path("details").path("ready").asBoolean()).isTrue();
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> ui.stack.backend().sessions().sessionCount() == 0);
        }
    }

    /** Collects whole text frames. */
    static final class Frames implements WebSocket.Listener {
        private final ConcurrentLinkedQueue<JsonNode> frames = new ConcurrentLinkedQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        List<JsonNode> of(String type) {
            return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
        }
    }
}
