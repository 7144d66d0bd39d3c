package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The UI backend end to end: a browser-like client ({@code java.net.http.WebSocket}) talks to a Jetty 12 (ee10,
 * Jakarta WebSocket) endpoint; questions go to Kafka, a stand-in LLM service answers with Confluent-framed Avro on the
 * reply topic, and the answer comes back to the right browser through {@link KafkaResponseConsumer} and
 * {@link WebSocketSessionManager}.
 */
@KafkaTest
public class JettyWebSocketEndToEndIT {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The application's WebSocket endpoint, as a UI backend would write it. */
    public static final class ChatEndpoint extends Endpoint {
        final ReplyFixture f;

        public ChatEndpoint(ReplyFixture f) {
            this.f = f;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            f.manager.register(JakartaWebSocketConnection.of(session));
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                JsonNode q;
                try {
                    q = JSON.readTree(text);
                } catch (java.io.IOException e) {
                    return;
                }
                String questionId = q.path("questionId").asText();
                f.manager.ask(session.getId(), questionId, () -> {
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>(f.questionsTopic, session.getId(),
                            q.path("question").asText().getBytes(StandardCharsets.UTF_8));
                    r.headers().add("questionId", questionId.getBytes(StandardCharsets.UTF_8));
                    f.producer.send(r, (md, e) -> {
                        if (e == null) {
                            sent.complete(null);
                        } else {
                            sent.completeExceptionally(e);
                        }
                    });
                    return sent;
                });
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            f.manager.unregister(session.getId());
        }

        @Override
        public void onError(Session session, Throwable error) {
            f.manager.unregister(session.getId());
        }
    }

    /** A browser-like client collecting whole text frames. */
    static final class Browser implements WebSocket.Listener {
        final ConcurrentLinkedQueue<JsonNode> frames = new ConcurrentLinkedQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(TestConnection.parse(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void ask(String questionId, String question) {
            socket.sendText("{\"questionId\":\"" + questionId + "\",\"question\":\"" + question + "\"}", true)
                    .orTimeout(10, TimeUnit.SECONDS).join();
        }

        List<JsonNode> ofType(String type) {
            return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
        }
    }

    @Test
    void aQuestionFromTheBrowserIsAnsweredThroughKafka(KafkaCluster cluster) throws Exception {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            CountDownLatch llmMayAnswer = new CountDownLatch(1);
            AtomicBoolean llmRunning = new AtomicBoolean(true);
            Thread llm = new Thread(() -> runLlm(f, llmMayAnswer, llmRunning), "fake-llm");
            llm.start();

            Server server = new Server();
            HttpClient http = HttpClient.newHttpClient();
            try {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            server.setHandler(context);
            ChatEndpoint endpoint = new ChatEndpoint(f);
            JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) ->
                    container.addEndpoint(ServerEndpointConfig.Builder.create(ChatEndpoint.class, "/chat")
                            .configurator(new ServerEndpointConfig.Configurator() {
                                @Override
                                public <T> T getEndpointInstance(Class<T> type) {
                                    return type.cast(endpoint);
                                }
                            }).build()));
            server.start();
                URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/chat");
                Browser alice = connect(http, uri);
                Browser bob = connect(http, uri);
                await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.sessionCount() == 2);

                long t0 = System.nanoTime();
                alice.ask("a-1", "What is Kafka?");
                alice.ask("a-2", "And KRaft?");
                bob.ask("b-1", "What is Avro?");
                await().atMost(Duration.ofSeconds(10)).until(() -> alice.ofType("error").size() == 1);
                JsonNode rejected = alice.ofType("error").get(0);
                assertThat(rejected.path("code").asText()).isEqualTo("QUESTION_PENDING");
                assertThat(rejected.path("questionId").asText()).isEqualTo("a-2");

                llmMayAnswer.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> alice.ofType("answer").size() == 1
                        && bob.ofType("answer").size() == 1);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                JsonNode a = alice.ofType("answer").get(0);
                assertThat(a.path("questionId").asText()).isEqualTo("a-1");
                assertThat(a.path("answer").asText()).isEqualTo("answer to a-1");
                assertThat(a.path("sources").get(0).path("documentId").asText()).isEqualTo("doc-1");
                assertThat(bob.ofType("answer").get(0).path("questionId").asText()).isEqualTo("b-1");
                System.out.printf("E2E browser -> Jetty -> Kafka -> LLM -> Kafka (Avro) -> Jetty -> browser: "
                        + "2 answers in %d ms (including the held LLM)%n", ms);

                // the next question after the answer (once its send has completed) is accepted and answered
                await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.waitingCount() == 0);
                alice.ask("a-3", "Thanks, one more?");
                await().atMost(Duration.ofSeconds(30)).until(() -> alice.ofType("answer").size() == 2);
                assertThat(alice.ofType("answer").get(1).path("questionId").asText()).isEqualTo("a-3");

                alice.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(10, TimeUnit.SECONDS).join();
                bob.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(10, TimeUnit.SECONDS).join();
                await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.sessionCount() == 0);
                assertThat(f.manager.stats()).isEqualTo(new WebSocketSessionManager.Stats(0, 0, 0, 0));
            } finally {
                llmRunning.set(false);
                llm.join(10_000);
                server.stop();
            }
        }
    }

    private static Browser connect(HttpClient http, URI uri) {
        Browser b = new Browser();
        b.socket = http.newWebSocketBuilder().buildAsync(uri, b).orTimeout(10, TimeUnit.SECONDS).join();
        return b;
    }

    /** Stand-in for the LLM service: reads questions, answers each on the reply topic in Confluent-framed Avro. */
    private static void runLlm(ReplyFixture f, CountDownLatch mayAnswer, AtomicBoolean running) {
        Map<String, Object> p = f.cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("llm"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(f.questionsTopic));
            while (running.get()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader("questionId");
                    String questionId = new String(h.value(), StandardCharsets.UTF_8);
                    while (running.get() && !mayAnswer.await(100, TimeUnit.MILLISECONDS)) {
                        // hold answers until the test has seen the rejection
                    }
                    f.reply(r.key(), questionId);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
