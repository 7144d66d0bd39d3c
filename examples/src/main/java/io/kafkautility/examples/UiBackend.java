package io.kafkautility.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.response.JakartaWebSocketConnection;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketSessionManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI backend as a team would write it: Jetty 12 serves a chat page at {@code /} and a WebSocket endpoint at
 * {@code /chat}. A question typed in the page goes to Kafka through the query client ({@code rag.query.submitted},
 * then a request to the LLM service); the LLM service streams the answer on {@code respostas}; the embedded
 * {@link KafkaResponseConsumer} hands it to the {@link WebSocketSessionManager}, which sends it to the session that
 * asked, token by token. One question at a time per session: a second one while the first is pending gets an error
 * frame. Any number of instances may run side by side behind a load balancer: each reads every reply and keeps the
 * last minute of them, so a page that reconnects (to any instance) gets what it missed.
 *
 * <p>{@code /metrics} serves every meter in Prometheus text format, {@code /health} the Kafka health.
 *
 * <p>A page connects to {@code /chat} (a new session) or {@code /chat?session=<token>} (the session it had); the first
 * frame it gets is {@code {"type":"session","token":...}}. Frames from the page: {@code {"type":"ask","question":...,
 * "questionId":"optional"}}, {@code {"type":"resume","questionId":...,"lastSeq":n}} (after reconnecting, the question
 * it still waits for and the last stream record it showed) and {@code {"type":"cancel","questionId":...}} ("stop
 * generating"). Frames to the page: the session manager's {@code delta}, {@code answer}, {@code cancelled} and
 * {@code error} frames. {@link #close()} stops everything.
 */
public final class UiBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UiBackend.class);

    private final ObjectMapper json = new ObjectMapper();
    private final QueryServiceKafkaClient queries;
    private final WebSocketSessionManager sessions;
    private final KafkaResponseConsumer responses;
    private final Function<String, List<ContextChunk>> retriever;
    private final PrometheusMeterRegistry prometheus;
    private final Server server;
    private final ServerConnector connector;
    private io.kafkautility.health.KafkaHealth health;

    /**
     * Starts the backend on {@code port} (0 for any free one) on 127.0.0.1.
     *
     * @param retriever the stand-in for retrieval: context chunks for a question
     */
    public UiBackend(KafkaConnectionOptions connection, KafkaClientPool pool, String schemaRegistryUrl, int port,
                     String responseGroupId, Function<String, List<ContextChunk>> retriever) throws Exception {
        this(connection, pool, schemaRegistryUrl, port, responseGroupId, retriever,
                ResponseConsumerOptions.DEFAULT_RESUME_WINDOW);
    }

    /** @param resumeWindow how long replies are kept for pages that reconnect (and orphans are waited for) */
    public UiBackend(KafkaConnectionOptions connection, KafkaClientPool pool, String schemaRegistryUrl, int port,
                     String responseGroupId, Function<String, List<ContextChunk>> retriever, Duration resumeWindow)
            throws Exception {
        this.retriever = retriever;
        this.queries = QueryServiceKafkaClient.builder().connection(connection).pool(pool).source("ui-backend")
                .build();
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        pool.metrics().bindTo(prometheus);
        this.sessions = WebSocketSessionManager.create(SessionManagerOptions.builder()
                .questionTimeout(Duration.ofSeconds(30)).meterRegistry(prometheus).build());
        this.responses = KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                .connection(connection)
                .groupId(responseGroupId)
                .schemaRegistry(SchemaRegistryOptions.builder(schemaRegistryUrl).build())
                .resumeWindow(resumeWindow)
                .tracing(pool.tracing())
                .meterRegistry(prometheus)
                .build(), sessions);
        responses.start();
        this.server = new Server();
        this.connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new PageServlet()), "/");
        context.addServlet(new ServletHolder(new MetricsServlet(prometheus)), "/metrics");
        this.health = io.kafkautility.health.KafkaHealth.builder().check("responses", responses::health).build();
        context.addServlet(new ServletHolder(new HealthServlet(health)), "/health");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) ->
                container.addEndpoint(ServerEndpointConfig.Builder.create(ChatEndpoint.class, "/chat")
                        .configurator(new ServerEndpointConfig.Configurator() {
                            @Override
                            public <T> T getEndpointInstance(Class<T> type) {
                                return type.cast(new ChatEndpoint());
                            }
                        }).build()));
        server.setHandler(context);
        server.start();
    }

    /** Completes when the response consumer has its partitions (replies published from then on are delivered). */
    public CompletableFuture<Void> ready() {
        return responses.ready();
    }

    /** The port the backend listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Every meter of this instance (library, Kafka clients, response consumer, sessions). */
    public io.micrometer.core.instrument.MeterRegistry meters() {
        return prometheus;
    }

    /** The response consumer (for health and tests). */
    public KafkaResponseConsumer responses() {
        return responses;
    }

    /** The session manager (for metrics and tests). */
    public WebSocketSessionManager sessions() {
        return sessions;
    }

    private void onFrame(Session session, String sessionId, String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (IOException e) {
            frame = null;
        }
        String type = frame == null ? "" : frame.path("type").asText("ask");
        String questionId = frame == null ? null : frame.hasNonNull("questionId")
                ? safeId(frame.get("questionId").asText()) : type.equals("ask") ? "q-" + UUID.randomUUID() : null;
        if (frame == null || questionId == null) {
            session.getAsyncRemote().sendText("{\"type\":\"error\",\"code\":\"BAD_FRAME\",\"message\":"
                    + "\"expected {\\\"type\\\": \\\"ask\\\", \\\"question\\\": \\\"...\\\"}\"}");
            return;
        }
        switch (type) {
            case "resume" -> {
                // the page reconnected while waiting: pick the question up here, then hand over what it missed
                int lastSeq = frame.path("lastSeq").asInt(-1);
                if (sessions.resumeQuestion(sessionId, questionId, lastSeq)
                        == WebSocketSessionManager.Admission.ACCEPTED) {
                    responses.replay(sessionId);
                }
            }
            case "cancel" -> {
                if (sessions.cancelQuestion(sessionId, questionId)) {
                    queries.cancel(questionId, sessionId).whenComplete((r, e) -> {
                        if (e != null) {
                            log.warn("Cancelling question {} failed: {}", questionId, e.toString());
                        }
                    });
                }
            }
            default -> ask(sessionId, questionId, frame.path("question").asText(""));
        }
    }

    private void ask(String sessionId, String questionId, String question) {
        sessions.ask(sessionId, questionId, () -> queries.sendQueryEvent(questionId, question, "web-user", sessionId)
                .thenRun(() -> queries.ask(LlmQuestion.of(questionId, sessionId, question, retriever.apply(question)))
                        .whenComplete((answer, error) -> {
                            Throwable cause = error instanceof java.util.concurrent.CompletionException
                                    && error.getCause() != null ? error.getCause() : error;
                            if (cause instanceof io.kafkautility.requestreply.RemoteReplyException remote
                                    && "CANCELLED".equals(remote.errorCode())) {
                                return; // the user stopped it
                            }
                            if (error != null) {
                                log.warn("LLM request for question {} failed: {}", questionId, error.toString());
                                sessions.failQuestion(sessionId, questionId, "LLM_FAILED",
                                        "the answer could not be produced");
                            }
                        })));
    }

    /** A session token or question id from a page: letters, digits and {@code -_.:}, 1 to 64 of them; else null. */
    static String safeId(String id) {
        return id != null && id.matches("[A-Za-z0-9._:-]{1,64}") ? id : null;
    }

    /** The WebSocket endpoint; one instance per connection, created by the backend (public for Jakarta WebSocket). */
    public final class ChatEndpoint extends Endpoint {
        private volatile io.kafkautility.response.WebSocketConnection connection;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            // the page's session token if it brings one (it reconnected), else a new one: replies are keyed by it
            List<String> asked = session.getRequestParameterMap().getOrDefault("session", List.of());
            String token = asked.isEmpty() ? null : safeId(asked.get(0));
            String sessionId = token != null ? token : UUID.randomUUID().toString();
            try { // before the session is registered: nothing else can be sending on it yet
                session.getBasicRemote().sendText("{\"type\":\"session\",\"token\":\"" + sessionId + "\"}");
            } catch (IOException e) {
                log.debug("WebSocket {} closed before its session token was sent: {}", sessionId, e.toString());
                return;
            }
            connection = JakartaWebSocketConnection.of(session, sessionId);
            sessions.unregister(sessionId); // the same page's earlier connection, if its close is not through yet
            sessions.register(connection);
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> onFrame(session, sessionId, text));
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            io.kafkautility.response.WebSocketConnection c = connection;
            if (c != null) {
                sessions.unregister(c);
            }
        }

        @Override
        public void onError(Session session, Throwable error) {
            log.debug("WebSocket {} error: {}", session.getId(), error.toString());
        }
    }

    /** Serves every meter (library, Kafka clients, response consumer, sessions) in Prometheus text format. */
    private static final class MetricsServlet extends jakarta.servlet.http.HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient PrometheusMeterRegistry registry;

        MetricsServlet(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                throws IOException {
            resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
            resp.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Serves the Kafka health as JSON: 200 while UP or DEGRADED (ready), 503 while DOWN. */
    private static final class HealthServlet extends jakarta.servlet.http.HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient io.kafkautility.health.KafkaHealth health;

        HealthServlet(io.kafkautility.health.KafkaHealth health) {
            this.health = health;
        }

        @Override
        protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                throws IOException {
            io.kafkautility.health.Health now = health.check();
            resp.setStatus(now.isReady() ? 200 : 503);
            resp.setContentType("application/json; charset=utf-8");
            resp.getOutputStream().write(now.toJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Serves the chat page. */
    private static final class PageServlet extends jakarta.servlet.http.HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                throws IOException {
            try (InputStream page = UiBackend.class.getResourceAsStream("/ui/index.html")) {
                if (page == null) {
                    resp.sendError(404);
                    return;
                }
                resp.setContentType("text/html; charset=utf-8");
                resp.getOutputStream().write(page.readAllBytes());
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            responses.close();
            sessions.close();
            queries.close();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
