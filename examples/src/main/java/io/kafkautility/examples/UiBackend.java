package io.kafkautility.examples;

import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.response.ChatHandler;
import io.kafkautility.response.ChatWebSocket;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionKeys;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketSessionManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
 * <p>{@code /chat} is the library's {@link ChatWebSocket} endpoint: the handshake's origin must be the page's own,
 * the page's first frame is {@code {"type":"hello","token":<the token it kept, or null>}} and it gets
 * {@code {"type":"session","token":...,"resumed":...}} back (the token never travels in a URL). Frames from the page:
 * {@code {"type":"ask","question":...,"questionId":"optional"}}, {@code {"type":"resume","questionId":...,
 * "lastSeq":n}} (after reconnecting, the question it still waits for and the last stream record it showed) and
 * {@code {"type":"cancel","questionId":...}} ("stop generating"); anything else gets {@code BAD_FRAME}. Frames to the
 * page: the session manager's {@code delta}, {@code answer}, {@code cancelled} and {@code error} frames. Session tokens
 * are signed with the keys given (every instance of one deployment must share them). {@link #close()} stops
 * everything.
 */
public final class UiBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UiBackend.class);

    private final QueryServiceKafkaClient queries;
    private final WebSocketSessionManager sessions;
    private final KafkaResponseConsumer responses;
    private final Function<String, List<ContextChunk>> retriever;
    private final PrometheusMeterRegistry prometheus;
    private final Server server;
    private final ServerConnector connector;
    private io.kafkautility.health.KafkaHealth health;
    private final io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gcMetrics;

    /**
     * Starts the backend on {@code port} (0 for any free one) on 127.0.0.1.
     *
     * @param sessionKeys the keys session tokens are signed with, the same on every instance
     * @param retriever   the stand-in for retrieval: context chunks for a question
     */
    public UiBackend(KafkaConnectionOptions connection, KafkaClientPool pool, String schemaRegistryUrl, int port,
                     String responseGroupId, SessionKeys sessionKeys, Function<String, List<ContextChunk>> retriever)
            throws Exception {
        this(connection, pool, schemaRegistryUrl, port, responseGroupId, retriever,
                ResponseConsumerOptions.DEFAULT_RESUME_WINDOW, b -> b.sessionKeys(sessionKeys));
    }

    /**
     * @param resumeWindow how long replies are kept for pages that reconnect (and orphans are waited for)
     * @param security     the browser side's settings on the session manager: its keys (required), and any of
     *                     authenticator, allowed origins, frame rate, session lifetime
     */
    public UiBackend(KafkaConnectionOptions connection, KafkaClientPool pool, String schemaRegistryUrl, int port,
                     String responseGroupId, Function<String, List<ContextChunk>> retriever, Duration resumeWindow,
                     java.util.function.Consumer<SessionManagerOptions.Builder> security)
            throws Exception {
        this.retriever = retriever;
        this.queries = QueryServiceKafkaClient.builder().connection(connection).pool(pool).source("ui-backend")
                .build();
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // latency histograms for the dashboard's p50 / p99 panels (the library leaves that choice to the registry)
        prometheus.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.distribution.DistributionStatisticConfig configure(
                    io.micrometer.core.instrument.Meter.Id id,
                    io.micrometer.core.instrument.distribution.DistributionStatisticConfig config) {
                return id.getName().startsWith("kafka.utility.") && id.getName().endsWith("latency")
                        ? io.micrometer.core.instrument.distribution.DistributionStatisticConfig.builder()
                        .percentilesHistogram(true).build().merge(config) : config;
            }
        });
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(prometheus);
        this.gcMetrics = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
        gcMetrics.bindTo(prometheus);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(prometheus);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(prometheus);
        pool.metrics().bindTo(prometheus);
        SessionManagerOptions.Builder sessionOptions = SessionManagerOptions.builder()
                .questionTimeout(Duration.ofSeconds(30)).meterRegistry(prometheus);
        security.accept(sessionOptions);
        this.sessions = WebSocketSessionManager.create(sessionOptions.build());
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
        connector.setHost(System.getenv().getOrDefault("UI_HOST", "127.0.0.1")); // 0.0.0.0 in a container
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new PageServlet()), "/");
        context.addServlet(new ServletHolder(new MetricsServlet(prometheus)), "/metrics");
        this.health = io.kafkautility.health.KafkaHealth.builder().check("responses", responses::health).build();
        context.addServlet(new ServletHolder(new HealthServlet(health)), "/health");
        context.addServlet(new ServletHolder(ChatWebSocket.servlet(sessions, new Chat())), "/chat");
        JakartaWebSocketServletContainerInitializer.configure(context, null); // the container ChatWebSocket upgrades on
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

    /** What the page's understood frames do: questions to Kafka, replays, stops. */
    private final class Chat implements ChatHandler {
        @Override
        public void ask(WebSocketSessionManager.SessionGrant session, String questionId, String question) {
            String sessionId = session.sessionId();
            String user = userId(session.principal());
            sessions.ask(sessionId, questionId, () -> queries.sendQueryEvent(questionId, question, user, sessionId)
                    .thenRun(() -> queries.ask(LlmQuestion.of(questionId, sessionId, question,
                                    retriever.apply(question)))
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

        @Override
        public void resume(WebSocketSessionManager.SessionGrant session, String questionId, int lastSeq) {
            // the page reconnected while waiting: pick the question up here, then hand over what it missed
            if (sessions.resumeQuestion(session.sessionId(), questionId, lastSeq)
                    == WebSocketSessionManager.Admission.ACCEPTED) {
                responses.replay(session.sessionId());
            }
        }

        @Override
        public void cancel(WebSocketSessionManager.SessionGrant session, String questionId) {
            if (sessions.cancelQuestion(session.sessionId(), questionId)) {
                queries.cancel(questionId, session.sessionId()).whenComplete((r, e) -> {
                    if (e != null) {
                        log.warn("Cancelling question {} failed: {}", questionId, e.toString());
                    }
                });
            }
        }
    }

    /** The principal as the query event's user id: as it is when it is an id, else a stable digest of it. */
    static String userId(String principal) {
        if (principal == null || principal.isEmpty()) {
            return "anonymous";
        }
        return principal.matches("[A-Za-z0-9][A-Za-z0-9._:#/@+=-]{0,127}") ? principal
                : "principal-" + io.kafkautility.response.SessionTag.of(principal);
    }

    /**
     * The keys of a demo: those of {@value SessionKeys#ENV_KEY} when it is set, else a key for this process (the
     * session manager warns; instances in other processes will not accept its tokens).
     */
    public static SessionKeys demoKeys() {
        return SessionKeys.configuredIn(System.getenv()) ? SessionKeys.fromEnvironment() : SessionKeys.generated();
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

    /**
     * Serves the chat page, with the headers a page facing the internet needs: a content security policy (its own
     * scripts and styles only, WebSocket and fetches to its own origin only, never framed: no clickjacking), no MIME
     * sniffing, no referrer, no caching of the page.
     */
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
                resp.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self' 'unsafe-inline'; "
                        + "style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; "
                        + "form-action 'none'; frame-ancestors 'none'");
                resp.setHeader("X-Content-Type-Options", "nosniff");
                resp.setHeader("X-Frame-Options", "DENY");
                resp.setHeader("Referrer-Policy", "no-referrer");
                resp.setHeader("Cache-Control", "no-store");
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
            gcMetrics.close();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
