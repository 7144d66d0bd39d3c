package io.kafkautility.response.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.response.RagResponse;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Default {@link WebSocketSessionManager}: a session map, one timer thread, a small sender pool. */
public final class DefaultWebSocketSessionManager implements WebSocketSessionManager {
    private static final Logger log = LoggerFactory.getLogger(DefaultWebSocketSessionManager.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Delivery outcomes, also the metric tag values. */
    enum Outcome {
        SUCCESS("success"), FAILED("failed"), TIMEOUT("timeout"), BUFFER_FULL("buffer_full"), CLOSED("closed");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    /**
     * A question a session waits for; a new object marks the final answer being delivered. Its stream position
     * ({@code nextSeq}: the next record of the stream to deliver), the frames sent and its clock are shared with that
     * object. Stream fields are written by the consumer's worker (one thread) and read by timers.
     */
    private static final class Question {
        final String id;
        final boolean delivering;
        final long acceptedNanos;
        final AtomicInteger nextSeq;
        final AtomicInteger frames;
        volatile long lastActivityNanos;
        volatile boolean firstTokenSent;
        /** Resumed, its replay not through yet: live records wait for it (the replay brings them, in order). */
        volatile boolean replaying;
        volatile ScheduledFuture<?> timer;

        Question(String id, int nextSeq) {
            this.id = id;
            this.delivering = false;
            this.acceptedNanos = System.nanoTime();
            this.nextSeq = new AtomicInteger(nextSeq);
            this.frames = new AtomicInteger();
            this.lastActivityNanos = acceptedNanos;
        }

        /** The same question, its final answer being delivered. */
        Question(Question waiting) {
            this.id = waiting.id;
            this.delivering = true;
            this.acceptedNanos = waiting.acceptedNanos;
            this.nextSeq = waiting.nextSeq;
            this.frames = waiting.frames;
            this.lastActivityNanos = waiting.lastActivityNanos;
            this.firstTokenSent = waiting.firstTokenSent;
            this.replaying = waiting.replaying;
        }
    }

    private record Frame(String text, Consumer<Outcome> done) {
    }

    private final class Session {
        final WebSocketConnection connection;
        final String tag;
        final String principal;
        final long registeredAtMillis;
        /** The frame-rate bucket (frames it may still send now), its last refill and the frames refused since full. */
        double frameTokens;
        long frameRefillNanos;
        int framesOverRate;
        final AtomicReference<Question> question = new AtomicReference<>();
        final ArrayDeque<Frame> queue = new ArrayDeque<>();
        /** The last few questions the user stopped (their late frames are counted as such). Guarded by this. */
        final ArrayDeque<String> cancelled = new ArrayDeque<>(4);
        boolean sending;
        boolean closed;

        synchronized void cancelled(String questionId) {
            if (cancelled.size() == 4) {
                cancelled.pollFirst();
            }
            cancelled.addLast(questionId);
        }

        synchronized boolean wasCancelled(String questionId) {
            return cancelled.contains(questionId);
        }

        Session(WebSocketConnection connection, String principal) {
            this.connection = connection;
            this.tag = io.kafkautility.response.SessionTag.of(connection.id());
            this.principal = principal;
            this.registeredAtMillis = options.clock().millis();
            this.frameTokens = options.maxFramesPerSecond();
            this.frameRefillNanos = System.nanoTime();
        }

        /** Takes one frame from the bucket; guarded by this. */
        synchronized FrameAdmission admit() {
            long now = System.nanoTime();
            int rate = options.maxFramesPerSecond();
            frameTokens = Math.min(rate, frameTokens + (now - frameRefillNanos) * rate / 1e9);
            frameRefillNanos = now;
            if (frameTokens >= rate) {
                framesOverRate = 0; // quiet for a second: forgiven
            }
            if (frameTokens >= 1) {
                frameTokens -= 1;
                return FrameAdmission.ADMITTED;
            }
            return ++framesOverRate > rate ? FrameAdmission.CLOSED : FrameAdmission.REFUSED;
        }
    }

    private final SessionManagerOptions options;
    private final ObjectMapper json = new ObjectMapper();
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ScheduledThreadPoolExecutor scheduler;
    private final Executor sender;
    private final ExecutorService ownedSender;
    private final MeterRegistry meters;
    private final Counter[] deliveries = new Counter[Outcome.values().length];
    private final Counter droppedUnknown;
    private final Counter droppedStale;
    private final Counter droppedDuplicate;
    private final Counter droppedCancelled;
    private final Counter resumed;
    private final Counter cancelledQuestions;
    private final Timer timeToFirstToken;
    private final Timer questionLatency;
    private final io.micrometer.core.instrument.DistributionSummary framesPerQuestion;
    private final Counter accepted;
    private final Counter rejectedPending;
    private final Counter rejectedUnknown;
    private final Counter timedOut;
    private final Counter failed;
    private final Timer latency;
    private volatile boolean closed;
    private final io.kafkautility.response.SessionTokens tokens;
    private final Counter takeoversLocal;
    private final Counter takeoversElsewhere;
    private final Counter rateLimitedCloses;
    private final java.util.Map<String, Counter> securityRefused = new ConcurrentHashMap<>();
    private final java.util.Map<String, Counter> framesRefused = new ConcurrentHashMap<>();
    private final java.util.List<SessionListener> sessionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DefaultWebSocketSessionManager(SessionManagerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        int n = INSTANCES.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ws-session-timers-" + n);
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        if (options.sendExecutor() != null) {
            this.sender = options.sendExecutor();
            this.ownedSender = null;
        } else {
            AtomicInteger threads = new AtomicInteger();
            this.ownedSender = Executors.newFixedThreadPool(options.senderThreads(), r -> {
                Thread t = new Thread(r, "ws-session-sender-" + n + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.sender = ownedSender;
        }
        this.meters = options.meterRegistry() != null ? options.meterRegistry() : new SimpleMeterRegistry();
        for (Outcome o : Outcome.values()) {
            deliveries[o.ordinal()] = Counter.builder(MetricNames.RESPONSE_DELIVERIES)
                    .tag(MetricNames.TAG_OUTCOME, o.tag).description("WebSocket deliveries of answers")
                    .register(meters);
        }
        droppedUnknown = dropped("unknown_session");
        droppedStale = dropped("stale");
        droppedDuplicate = dropped("duplicate");
        droppedCancelled = dropped("cancelled");
        resumed = question("resumed");
        cancelledQuestions = question("cancelled");
        timeToFirstToken = Timer.builder(MetricNames.RESPONSE_TIME_TO_FIRST_TOKEN).publishPercentileHistogram()
                .description("Question accepted to its first streamed text sent to the browser").register(meters);
        questionLatency = Timer.builder(MetricNames.RESPONSE_QUESTION_LATENCY).publishPercentileHistogram()
                .description("Question accepted to its final answer sent to the browser").register(meters);
        framesPerQuestion = io.micrometer.core.instrument.DistributionSummary
                .builder(MetricNames.RESPONSE_FRAMES_PER_QUESTION).publishPercentileHistogram()
                .description("Frames sent to the browser per answered question").register(meters);
        accepted = question("accepted");
        rejectedPending = question("rejected_pending");
        rejectedUnknown = question("rejected_unknown_session");
        timedOut = question("timed_out");
        failed = question("failed");
        latency = Timer.builder(MetricNames.RESPONSE_LATENCY).description("Kafka record timestamp to WebSocket sent")
                .register(meters);
        Gauge.builder(MetricNames.RESPONSE_SESSIONS, sessions, ConcurrentHashMap::size).description("Open sessions")
                .register(meters);
        Gauge.builder(MetricNames.RESPONSE_SESSIONS_WAITING, waiting, AtomicInteger::get)
                .description("Sessions waiting for an answer").register(meters);
        takeoversLocal = Counter.builder(MetricNames.RESPONSE_SESSION_TAKEOVERS).tag("where", "local")
                .description("Sessions taken over by a new connection with their token").register(meters);
        takeoversElsewhere = Counter.builder(MetricNames.RESPONSE_SESSION_TAKEOVERS).tag("where", "other_instance")
                .description("Sessions taken over by a new connection with their token").register(meters);
        rateLimitedCloses = Counter.builder(MetricNames.RESPONSE_RATE_LIMITED_CLOSES)
                .description("Connections closed for exceeding the frame rate").register(meters);
        for (String reason : new String[] {"origin", "unauthenticated", "malformed", "bad_mac", "expired",
                "other_principal"}) {
            refusedCounter(reason);
        }
        for (String reason : new String[] {"bad_frame", "hello_expected", "rate_limited"}) {
            framesRefusedCounter(reason);
        }
        if (options.sessionKeys() != null) {
            this.tokens = io.kafkautility.response.SessionTokens.hmac(options.sessionKeys(),
                    options.sessionLifetime(), options.clock());
            if (options.sessionKeys().isGenerated()) {
                log.warn("Session tokens are signed with a key generated for this process: pages that reconnect to "
                        + "another instance or after a restart get a new session. Set "
                        + io.kafkautility.response.SessionKeys.ENV_KEY + " (the same on every instance) in "
                        + "production.");
            }
        } else {
            this.tokens = null;
        }
    }

    private Counter refusedCounter(String reason) {
        return securityRefused.computeIfAbsent(reason, r -> Counter.builder(MetricNames.RESPONSE_SECURITY_REFUSED)
                .tag(MetricNames.TAG_REASON, r).description("Handshakes and session tokens refused").register(meters));
    }

    /**
     * Logs a refusal at INFO the first time and every hundredth (with the count), else at DEBUG: a hostile page must not
     * be able to flood the log, and an error id a page was given is still in the log at DEBUG.
     */
    private static void logRefusal(Counter counter, String line) {
        long n = (long) counter.count();
        if (n == 1 || n % 100 == 0) {
            log.info("{} ({} so far)", line, n);
        } else {
            log.debug(line);
        }
    }

    /** Counts a frame of a page refused for {@code reason} (bad_frame, hello_expected, rate_limited). */
    public void countRefusedFrame(String reason) {
        framesRefusedCounter(reason).increment();
    }

    private Counter framesRefusedCounter(String reason) {
        return framesRefused.computeIfAbsent(reason, r -> Counter.builder(MetricNames.RESPONSE_FRAMES_REFUSED)
                .tag(MetricNames.TAG_REASON, r).description("Frames from pages refused").register(meters));
    }

    private Counter dropped(String reason) {
        return Counter.builder(MetricNames.RESPONSE_DROPPED).tag(MetricNames.TAG_REASON, reason)
                .description("Replies dropped before delivery").register(meters);
    }

    private Counter question(String outcome) {
        return Counter.builder(MetricNames.RESPONSE_QUESTIONS).tag(MetricNames.TAG_OUTCOME, outcome)
                .description("Questions by outcome").register(meters);
    }

    @Override
    public void register(WebSocketConnection connection) {
        Objects.requireNonNull(connection, "connection");
        if (closed) {
            throw new IllegalStateException("session manager is closed");
        }
        if (sessions.size() >= options.maxSessions()) {
            throw new KafkaUtilityException("session limit reached: " + options.maxSessions()
                    + " sessions are open (maxSessions)");
        }
        Session previous = sessions.putIfAbsent(connection.id(), new Session(connection, null));
        if (previous != null) {
            throw new IllegalStateException("a session with id " + connection.id() + " is already registered");
        }
        tell(l -> l.opened(connection.id()));
    }

    @Override
    public HandshakeCheck checkHandshake(io.kafkautility.response.Handshake handshake) {
        String origin = handshake.origin();
        if (origin != null && !Origins.allowed(origin, handshake.host(), options.allowedOrigins())) {
            Counter c = refusedCounter("origin");
            c.increment();
            logRefusal(c, "WebSocket handshake refused: origin not allowed");
            return HandshakeCheck.refused(403, "origin");
        }
        io.kafkautility.response.Authenticator.Authentication who;
        try {
            who = options.authenticator().authenticate(handshake);
        } catch (RuntimeException e) {
            log.warn("Authenticator {} failed on a handshake: {}", options.authenticator(), e.getClass().getName());
            who = io.kafkautility.response.Authenticator.Authentication.refused("authenticator failed");
        }
        if (who == null || !who.admitted()) {
            Counter c = refusedCounter("unauthenticated");
            c.increment();
            logRefusal(c, "WebSocket handshake refused: " + (who == null ? "no authentication" : who.reason()));
            return HandshakeCheck.refused(401, "unauthenticated");
        }
        return HandshakeCheck.admitted(who.principal());
    }

    @Override
    public SessionGrant open(WebSocketConnection connection, String token, String principal) {
        Objects.requireNonNull(connection, "connection");
        if (tokens == null) {
            throw new io.kafkautility.config.ConfigurationException("no session key: set "
                    + io.kafkautility.response.SessionKeys.ENV_KEY + " or SessionManagerOptions.Builder.sessionKeys "
                    + "to open browser sessions");
        }
        if (closed) {
            throw new IllegalStateException("session manager is closed");
        }
        String who = principal == null ? "" : principal;
        if (token != null) {
            io.kafkautility.response.SessionTokens.Verification v = tokens.verify(token, who);
            if (v.valid()) {
                BoundConnection bound = new BoundConnection(v.sessionId(), connection);
                Session fresh = new Session(bound, who);
                while (true) {
                    Session current = sessions.get(v.sessionId());
                    if (current != null) {
                        takeoversLocal.increment();
                        log.info("Session {} taken over by a new connection with its token; the old one is closed",
                                current.tag);
                        current.connection.close(io.kafkautility.response.ChatWebSocket.CLOSE_TAKEN_OVER,
                                "session taken over");
                        forget(v.sessionId(), current);
                    }
                    checkCapacity();
                    if (sessions.putIfAbsent(v.sessionId(), fresh) == null) {
                        break;
                    }
                }
                tell(l -> l.opened(v.sessionId()));
                return new SessionGrant(SessionGrant.Outcome.RESUMED, v.sessionId(), token, who, bound);
            }
            Counter c = refusedCounter(v.outcome().tag());
            c.increment();
            if (v.outcome() == io.kafkautility.response.SessionTokens.Outcome.OTHER_PRINCIPAL) {
                logRefusal(c, "A session token of another principal was presented; connection refused");
                return new SessionGrant(SessionGrant.Outcome.REFUSED, null, null, who, null);
            }
            log.debug("A session token was refused ({}); the page gets a new session", v.outcome().tag());
        }
        io.kafkautility.response.SessionTokens.Issued issued = tokens.issue(who);
        BoundConnection bound = new BoundConnection(issued.sessionId(), connection);
        checkCapacity();
        if (sessions.putIfAbsent(issued.sessionId(), new Session(bound, who)) != null) {
            throw new IllegalStateException("session id collision"); // 128 random bits: never
        }
        tell(l -> l.opened(issued.sessionId()));
        return new SessionGrant(SessionGrant.Outcome.OPENED, issued.sessionId(), issued.token(), who, bound);
    }

    private void checkCapacity() {
        if (sessions.size() >= options.maxSessions()) {
            throw new KafkaUtilityException("session limit reached: " + options.maxSessions()
                    + " sessions are open (maxSessions)");
        }
    }

    @Override
    public FrameAdmission admitFrame(SessionGrant grant) {
        Session s = grant.sessionId() == null ? null : sessions.get(grant.sessionId());
        if (s == null || s.connection != grant.connection()) {
            return FrameAdmission.REFUSED; // taken over or closed: nothing of it is handled any more
        }
        FrameAdmission a = s.admit();
        if (a == FrameAdmission.ADMITTED) {
            return a;
        }
        countRefusedFrame("rate_limited");
        if (a == FrameAdmission.CLOSED) {
            rateLimitedCloses.increment();
            log.info("Session {} exceeded {} frames a second again and again; connection closed", s.tag,
                    options.maxFramesPerSecond());
            s.connection.close(io.kafkautility.response.ChatWebSocket.CLOSE_RATE_LIMITED, "too many frames");
            forget(grant.sessionId(), s);
        } else if (s.framesOverRate == 1) {
            enqueue(s, refusal("RATE_LIMITED", "At most " + options.maxFramesPerSecond()
                    + " frames a second; this one was dropped", null), o -> { });
        }
        return a;
    }

    @Override
    public void refuseFrame(SessionGrant grant, String why) {
        Counter c = framesRefusedCounter("bad_frame");
        c.increment();
        Session s = grant.sessionId() == null ? null : sessions.get(grant.sessionId());
        String errorId = Ids.errorId();
        logRefusal(c, "Frame refused on session " + grant.tag() + " (error id " + errorId + "): " + why);
        if (s != null && s.connection == grant.connection()) {
            enqueue(s, refusal("BAD_FRAME", "This frame is not understood; see the chat protocol", errorId),
                    o -> { });
        }
    }

    /** Tells the page of {@code grant} that its frame failed here ({@code INTERNAL}, with the error id logged). */
    void sendInternalError(SessionGrant grant, String errorId) {
        Session s = grant.sessionId() == null ? null : sessions.get(grant.sessionId());
        if (s != null && s.connection == grant.connection()) {
            enqueue(s, refusal("INTERNAL", "The frame could not be handled", errorId), o -> { });
        }
    }

    @Override
    public void takenOverElsewhere(String sessionId, Instant claimedAt) {
        Session s = sessions.get(sessionId);
        if (s == null || s.principal == null || s.registeredAtMillis >= claimedAt.toEpochMilli()) {
            return; // not held here, not a browser session, or it reconnected here after that claim
        }
        takeoversElsewhere.increment();
        log.info("Session {} was taken over on another instance; its connection here is closed", s.tag);
        s.connection.close(io.kafkautility.response.ChatWebSocket.CLOSE_TAKEN_OVER, "session taken over");
        forget(sessionId, s);
    }

    @Override
    public String principal(String sessionId) {
        Session s = sessionId == null ? null : sessions.get(sessionId);
        return s == null ? null : s.principal == null ? "" : s.principal;
    }

    private String refusal(String code, String message, String errorId) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "error");
        n.put("code", code);
        if (errorId != null) {
            n.put("errorId", errorId);
        }
        n.put("message", message);
        return write(n);
    }

    @Override
    public void addSessionListener(SessionListener listener) {
        sessionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void tell(Consumer<SessionListener> event) {
        for (SessionListener l : sessionListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("Session listener {} failed: {}", l, e.toString());
            }
        }
    }

    @Override
    public boolean holds(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    @Override
    public void unregister(WebSocketConnection connection) {
        Session s = sessions.get(connection.id());
        if (s != null && s.connection == connection) {
            forget(connection.id(), s);
        }
    }

    @Override
    public void unregister(String sessionId) {
        Session s = sessions.get(sessionId);
        if (s != null) {
            forget(sessionId, s);
        }
    }

    private void forget(String sessionId, Session s) {
        if (!sessions.remove(sessionId, s)) {
            return;
        }
        tell(l -> l.closed(sessionId));
        Question q = s.question.getAndSet(null);
        if (q != null) {
            waiting.decrementAndGet();
            cancel(q);
        }
        ArrayDeque<Frame> dropped;
        synchronized (s) {
            s.closed = true;
            dropped = new ArrayDeque<>(s.queue);
            queued.addAndGet(-s.queue.size());
            s.queue.clear();
        }
        for (Frame f : dropped) {
            complete(f, Outcome.CLOSED);
        }
    }

    @Override
    public Admission beginQuestion(String sessionId, String questionId) {
        Objects.requireNonNull(questionId, "questionId");
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null || closed) {
            rejectedUnknown.increment();
            return Admission.REJECTED_UNKNOWN_SESSION;
        }
        Question q = new Question(questionId, 0);
        if (!s.question.compareAndSet(null, q)) {
            rejectedPending.increment();
            Question current = s.question.get();
            enqueue(s, error("QUESTION_PENDING", questionId, "A question is already being answered"
                    + (current == null ? "" : " (" + current.id + ")") + "; wait for its reply before asking again"),
                    o -> { });
            return Admission.REJECTED_PENDING;
        }
        waiting.incrementAndGet();
        accepted.increment();
        try {
            q.timer = scheduler.schedule(() -> timeout(s, q), options.questionTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed concurrently: the session is dropped with the manager
        }
        if (sessions.get(sessionId) != s) {
            // unregistered concurrently: undo so nothing stays behind
            if (s.question.compareAndSet(q, null)) {
                waiting.decrementAndGet();
                cancel(q);
            }
            return Admission.REJECTED_UNKNOWN_SESSION;
        }
        return Admission.ACCEPTED;
    }

    @Override
    public Admission resumeQuestion(String sessionId, String questionId, int lastSeq) {
        Objects.requireNonNull(questionId, "questionId");
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null || closed) {
            rejectedUnknown.increment();
            return Admission.REJECTED_UNKNOWN_SESSION;
        }
        int next = Math.max(0, lastSeq + 1);
        Question current = s.question.get();
        if (current != null) {
            if (current.id.equals(questionId)) {
                current.nextSeq.accumulateAndGet(next, Math::max);
                current.replaying = true;
                return Admission.ACCEPTED;
            }
            return Admission.REJECTED_PENDING;
        }
        Question q = new Question(questionId, next);
        q.replaying = true;
        if (!s.question.compareAndSet(null, q)) {
            return Admission.REJECTED_PENDING;
        }
        waiting.incrementAndGet();
        resumed.increment();
        schedule(s, q, options.questionTimeout().toNanos());
        return Admission.ACCEPTED;
    }

    @Override
    public boolean cancelQuestion(String sessionId, String questionId) {
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null) {
            return false;
        }
        Question q = s.question.get();
        if (q == null || q.delivering || !q.id.equals(questionId) || !s.question.compareAndSet(q, null)) {
            return false;
        }
        s.cancelled(questionId); // before anything else can arrive for it: its late frames count as cancelled
        waiting.decrementAndGet();
        cancel(q);
        cancelledQuestions.increment();
        ObjectNode n = json.createObjectNode();
        n.put("type", "cancelled");
        n.put("questionId", questionId);
        enqueue(s, write(n), o -> { });
        return true;
    }

    private void schedule(Session s, Question q, long delayNanos) {
        try {
            q.timer = scheduler.schedule(() -> timeout(s, q), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed concurrently: the session is dropped with the manager
        }
    }

    @Override
    public Admission ask(String sessionId, String questionId, Supplier<? extends CompletionStage<?>> send) {
        Admission admission = beginQuestion(sessionId, questionId);
        if (admission != Admission.ACCEPTED) {
            return admission;
        }
        CompletionStage<?> stage;
        try {
            stage = send.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((v, err) -> {
            if (err != null) {
                log.warn("Question of session {} could not be sent: {}", io.kafkautility.response.SessionTag.of(
                        sessionId), err.toString());
                failQuestion(sessionId, questionId, "SEND_FAILED", "The question could not be sent; try again");
            }
        });
        return admission;
    }

    @Override
    public void failQuestion(String sessionId, String questionId, String code, String message) {
        Session s = sessions.get(sessionId);
        if (s == null) {
            return;
        }
        Question q = s.question.get();
        if (q == null || q.delivering || !q.id.equals(questionId) || !s.question.compareAndSet(q, null)) {
            return;
        }
        waiting.decrementAndGet();
        cancel(q);
        failed.increment();
        enqueue(s, error(code, questionId, message), o -> { });
    }

    private void timeout(Session s, Question q) {
        long idle = System.nanoTime() - q.lastActivityNanos;
        long limit = options.questionTimeout().toNanos();
        if (idle < limit && s.question.get() == q) {
            schedule(s, q, limit - idle); // the stream moved meanwhile: the timeout counts from its last frame
            return;
        }
        if (!s.question.compareAndSet(q, null)) {
            return;
        }
        waiting.decrementAndGet();
        timedOut.increment();
        enqueue(s, error("QUESTION_TIMEOUT", q.id, "No answer within " + options.questionTimeout().toSeconds()
                + " s; please ask again"), o -> { });
    }

    @Override
    public void onReplay(RagResponse response, Instant kafkaTimestamp) {
        receive(response, kafkaTimestamp, true);
    }

    @Override
    public void replayDone(String sessionId) {
        Session s = sessions.get(sessionId);
        Question q = s == null ? null : s.question.get();
        if (q != null) {
            q.replaying = false;
        }
    }

    @Override
    public void onResponse(RagResponse response, Instant kafkaTimestamp) {
        receive(response, kafkaTimestamp, false);
    }

    private void receive(RagResponse response, Instant kafkaTimestamp, boolean replayed) {
        Session s = sessions.get(response.sessionId());
        if (s == null) {
            droppedUnknown.increment();
            log.debug("Reply for unknown or closed session dropped (question {})", response.questionId());
            return;
        }
        Question q = s.question.get();
        if (q == null || q.delivering || !q.id.equals(response.questionId())) {
            if (s.wasCancelled(response.questionId())) {
                droppedCancelled.increment();
            } else {
                droppedStale.increment();
                log.debug("Stale reply dropped for session {}: question {} is not the one waited for", s.tag,
                        response.questionId());
            }
            return;
        }
        if (q.replaying && !replayed) {
            return; // kept by the consumer: the replay that follows on its worker delivers it in order
        }
        if (response.seq() < q.nextSeq.get()) {
            droppedDuplicate.increment(); // delivered before (a replay after a reconnect, or a re-sent stream)
            return;
        }
        q.lastActivityNanos = System.nanoTime();
        q.frames.incrementAndGet();
        if (response.isDelta()) {
            q.nextSeq.set(response.seq() + 1);
            boolean first = !q.firstTokenSent;
            q.firstTokenSent = true;
            enqueue(s, delta(response), outcome -> {
                deliveries[outcome.ordinal()].increment();
                if (first && outcome == Outcome.SUCCESS) {
                    timeToFirstToken.record(System.nanoTime() - q.acceptedNanos, TimeUnit.NANOSECONDS);
                }
            });
            return;
        }
        Question delivering = new Question(q);
        if (!s.question.compareAndSet(q, delivering)) {
            droppedStale.increment();
            return;
        }
        cancel(q);
        String frame = answer(response);
        enqueue(s, frame, outcome -> {
            if (s.question.compareAndSet(delivering, null)) {
                waiting.decrementAndGet();
            }
            deliveries[outcome.ordinal()].increment();
            if (outcome == Outcome.SUCCESS) {
                long nanos = Duration.between(kafkaTimestamp, options.clock().instant()).toNanos();
                latency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
                questionLatency.record(System.nanoTime() - q.acceptedNanos, TimeUnit.NANOSECONDS);
                framesPerQuestion.record(q.frames.get());
            }
        });
    }

    private void enqueue(Session s, String text, Consumer<Outcome> done) {
        Frame f = new Frame(text, done);
        Outcome refused = null;
        boolean start = false;
        synchronized (s) {
            if (s.closed) {
                refused = Outcome.CLOSED;
            } else if (s.queue.size() >= options.maxQueuedFrames()) {
                refused = Outcome.BUFFER_FULL;
            } else {
                s.queue.add(f);
                queued.incrementAndGet();
                if (!s.sending) {
                    s.sending = true;
                    start = true;
                }
            }
        }
        if (refused != null) {
            if (refused == Outcome.BUFFER_FULL) {
                log.warn("Send buffer of session {} is full ({} frames); frame dropped", s.tag,
                        options.maxQueuedFrames());
            }
            complete(f, refused);
            return;
        }
        if (start) {
            execute(s);
        }
    }

    private void execute(Session s) {
        try {
            sender.execute(() -> sendNext(s));
        } catch (RejectedExecutionException e) {
            failAll(s);
        }
    }

    private void failAll(Session s) {
        ArrayDeque<Frame> dropped;
        synchronized (s) {
            dropped = new ArrayDeque<>(s.queue);
            queued.addAndGet(-s.queue.size());
            s.queue.clear();
            s.sending = false;
        }
        dropped.forEach(f -> complete(f, Outcome.CLOSED));
    }

    private void sendNext(Session s) {
        Frame f;
        synchronized (s) {
            f = s.queue.poll();
            if (f == null) {
                s.sending = false;
                return;
            }
            queued.decrementAndGet();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> done.completeExceptionally(new TimeoutException("send timeout")),
                    options.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            timer = null;
        }
        try {
            if (!s.connection.isOpen()) {
                done.completeExceptionally(new IllegalStateException("connection closed"));
            } else {
                s.connection.sendText(f.text()).whenComplete((v, err) -> {
                    if (err == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(err);
                    }
                });
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        ScheduledFuture<?> t = timer;
        done.whenComplete((v, err) -> {
            if (t != null) {
                t.cancel(false);
            }
            Outcome outcome;
            if (err == null) {
                outcome = Outcome.SUCCESS;
            } else if (err instanceof TimeoutException) {
                outcome = Outcome.TIMEOUT;
                log.warn("Sending to WebSocket session {} timed out after {}", s.tag,
                        options.sendTimeout());
            } else {
                outcome = Outcome.FAILED;
                log.warn("Sending to WebSocket session {} failed: {}", s.tag, err.toString());
            }
            complete(f, outcome);
            execute(s);
        });
    }

    private static void complete(Frame f, Outcome outcome) {
        try {
            f.done().accept(outcome);
        } catch (RuntimeException e) {
            log.error("Delivery callback failed", e);
        }
    }

    private static void cancel(Question q) {
        ScheduledFuture<?> t = q.timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private String delta(RagResponse r) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "delta");
        n.put("questionId", r.questionId());
        n.put("seq", r.seq());
        n.put("text", r.delta());
        return write(n);
    }

    private String answer(RagResponse r) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "answer");
        n.put("questionId", r.questionId());
        n.put("seq", r.seq());
        n.put("status", r.status().name());
        n.put("answer", r.answer());
        ArrayNode sources = n.putArray("sources");
        for (RagResponse.Source src : r.sources()) {
            ObjectNode o = sources.addObject();
            o.put("documentId", src.documentId());
            o.put("title", src.title());
            if (src.score() == null) {
                o.putNull("score");
            } else {
                o.put("score", src.score());
            }
        }
        n.put("error", r.error());
        n.put("timestamp", r.timestamp().toString());
        return write(n);
    }

    private String error(String code, String questionId, String message) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "error");
        n.put("code", code);
        n.put("questionId", questionId);
        n.put("message", message);
        return write(n);
    }

    private String write(ObjectNode n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SessionManagerOptions options() {
        return options;
    }

    @Override
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public int waitingCount() {
        return waiting.get();
    }

    @Override
    public Stats stats() {
        return new Stats(sessions.size(), waiting.get(), queued.get(), scheduler.getQueue().size());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String id : sessions.keySet()) {
            unregister(id);
        }
        scheduler.shutdownNow();
        if (ownedSender != null) {
            ownedSender.shutdown();
            try {
                if (!ownedSender.awaitTermination(options.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    ownedSender.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ownedSender.shutdownNow();
            }
        }
    }

    @Override
    public String toString() {
        return "DefaultWebSocketSessionManager{sessions=" + sessions.size() + ", waiting=" + waiting.get() + ", "
                + options + "}";
    }
}
