package io.kafkautility.response;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Immutable settings of a {@link WebSocketSessionManager}, from a validating {@link #builder()}.
 *
 * <p>Defaults: question timeout {@value #DEFAULT_QUESTION_TIMEOUT_S} s, send timeout {@value #DEFAULT_SEND_TIMEOUT_S} s,
 * {@value #DEFAULT_MAX_QUEUED_FRAMES} frames buffered per session, at most {@value #DEFAULT_MAX_SESSIONS} sessions,
 * {@value #DEFAULT_SENDER_THREADS} sender threads owned by the manager, the system clock, a private meter registry.
 *
 * <p>What faces browsers ({@link ChatWebSocket}): session tokens signed with {@link #sessionKeys()} (by default from
 * {@value SessionKeys#ENV_KEY}; required by {@link ChatWebSocket}), valid {@value #DEFAULT_SESSION_LIFETIME_H} h;
 * {@link Authenticator#ANONYMOUS}; origins: the page's own (the handshake's {@code Host}); at most
 * {@value #DEFAULT_MAX_FRAMES_PER_SECOND} frames a second per connection; a {@code hello} frame within
 * {@value #DEFAULT_HELLO_TIMEOUT_S} s; frames of at most {@value #DEFAULT_MAX_FRAME_BYTES} bytes.
 */
public final class SessionManagerOptions {

    public static final long DEFAULT_QUESTION_TIMEOUT_S = 120;
    public static final long DEFAULT_SEND_TIMEOUT_S = 10;
    public static final int DEFAULT_MAX_QUEUED_FRAMES = 256;
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    public static final int DEFAULT_SENDER_THREADS = 4;
    public static final long DEFAULT_SESSION_LIFETIME_H = 24;
    public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 20;
    public static final long DEFAULT_HELLO_TIMEOUT_S = 10;
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    /** The {@link #allowedOrigins()} entry that allows every origin (only when set explicitly). */
    public static final String ANY_ORIGIN = "*";

    private final Duration questionTimeout;
    private final Duration sendTimeout;
    private final int maxQueuedFrames;
    private final int maxSessions;
    private final int senderThreads;
    private final Executor sendExecutor;
    private final Clock clock;
    private final MeterRegistry meterRegistry;
    private final SessionKeys sessionKeys;
    private final Duration sessionLifetime;
    private final Authenticator authenticator;
    private final List<String> allowedOrigins;
    private final int maxFramesPerSecond;
    private final Duration helloTimeout;
    private final int maxFrameBytes;

    private SessionManagerOptions(Builder b) {
        this.questionTimeout = b.questionTimeout;
        this.sendTimeout = b.sendTimeout;
        this.maxQueuedFrames = b.maxQueuedFrames;
        this.maxSessions = b.maxSessions;
        this.senderThreads = b.senderThreads;
        this.sendExecutor = b.sendExecutor;
        this.clock = b.clock;
        this.meterRegistry = b.meterRegistry;
        this.sessionKeys = b.sessionKeys != null ? b.sessionKeys
                : SessionKeys.configuredIn(System.getenv()) ? SessionKeys.fromEnvironment() : null;
        this.sessionLifetime = b.sessionLifetime;
        this.authenticator = b.authenticator;
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.maxFramesPerSecond = b.maxFramesPerSecond;
        this.helloTimeout = b.helloTimeout;
        this.maxFrameBytes = b.maxFrameBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static SessionManagerOptions defaults() {
        return builder().build();
    }

    /** How long a question waits for its answer before the session gets an error frame and is cleared. */
    public Duration questionTimeout() {
        return questionTimeout;
    }

    /** How long one frame may take to send before the delivery counts as failed. */
    public Duration sendTimeout() {
        return sendTimeout;
    }

    /** Frames buffered per session while an earlier send is in progress; more are refused (delivery failed). */
    public int maxQueuedFrames() {
        return maxQueuedFrames;
    }

    /** Sessions the manager accepts at once. */
    public int maxSessions() {
        return maxSessions;
    }

    /** Threads of the manager's own sender pool (unused when {@link #sendExecutor()} is set). */
    public int senderThreads() {
        return senderThreads;
    }

    /** A caller-owned executor for starting sends, or null (then the manager owns a pool). */
    public Executor sendExecutor() {
        return sendExecutor;
    }

    /** Clock for the Kafka-to-WebSocket latency. */
    public Clock clock() {
        return clock;
    }

    /** Registry for the manager's meters, or null (a private in-memory registry). */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /**
     * The keys session tokens are signed and checked with, or null when none were given and
     * {@value SessionKeys#ENV_KEY} is not set (then {@link ChatWebSocket} refuses to start).
     */
    public SessionKeys sessionKeys() {
        return sessionKeys;
    }

    /** How long a session token is accepted after it was issued; after that its page gets a new session. */
    public Duration sessionLifetime() {
        return sessionLifetime;
    }

    /** Who a handshake belongs to ({@link Authenticator#ANONYMOUS} by default). */
    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * The origins ({@code scheme://host[:port]}, lowercase) whose pages may open a chat connection. Empty (the
     * default): only the page's own origin, the one whose host is the handshake's {@code Host}. {@value #ANY_ORIGIN}
     * allows every origin. Another origin gets 403 before the upgrade.
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Frames a second one connection may send; a connection that keeps exceeding it is closed. */
    public int maxFramesPerSecond() {
        return maxFramesPerSecond;
    }

    /** How long a new connection may take to send its {@code hello} frame before it is closed. */
    public Duration helloTimeout() {
        return helloTimeout;
    }

    /** The largest frame a page may send (bytes); a larger one closes the connection (1009). */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public String toString() {
        return "SessionManagerOptions{questionTimeout=" + questionTimeout + ", sendTimeout=" + sendTimeout
                + ", maxQueuedFrames=" + maxQueuedFrames + ", maxSessions=" + maxSessions + ", senderThreads="
                + senderThreads + ", sendExecutor=" + (sendExecutor == null ? "own" : "caller's") + ", sessionKeys="
                + sessionKeys + ", sessionLifetime=" + sessionLifetime + ", authenticator=" + authenticator
                + ", allowedOrigins=" + (allowedOrigins.isEmpty() ? "[own]" : allowedOrigins)
                + ", maxFramesPerSecond=" + maxFramesPerSecond + ", helloTimeout=" + helloTimeout
                + ", maxFrameBytes=" + maxFrameBytes + "}";
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private Duration questionTimeout = Duration.ofSeconds(DEFAULT_QUESTION_TIMEOUT_S);
        private Duration sendTimeout = Duration.ofSeconds(DEFAULT_SEND_TIMEOUT_S);
        private int maxQueuedFrames = DEFAULT_MAX_QUEUED_FRAMES;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private int senderThreads = DEFAULT_SENDER_THREADS;
        private Executor sendExecutor;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private SessionKeys sessionKeys;
        private Duration sessionLifetime = Duration.ofHours(DEFAULT_SESSION_LIFETIME_H);
        private Authenticator authenticator = Authenticator.ANONYMOUS;
        private final List<String> allowedOrigins = new ArrayList<>();
        private int maxFramesPerSecond = DEFAULT_MAX_FRAMES_PER_SECOND;
        private Duration helloTimeout = Duration.ofSeconds(DEFAULT_HELLO_TIMEOUT_S);
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

        private Builder() {
        }

        /** The keys session tokens are signed and checked with (default: {@link SessionKeys#fromEnvironment()}). */
        public Builder sessionKeys(SessionKeys keys) {
            this.sessionKeys = Objects.requireNonNull(keys, "sessionKeys");
            return this;
        }

        public Builder sessionLifetime(Duration d) {
            this.sessionLifetime = positive("sessionLifetime", d);
            return this;
        }

        /** Runs on every handshake, before the upgrade: who it belongs to, or a refusal (401). */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * The origins allowed to open a chat connection, each {@code scheme://host[:port]} (or {@value #ANY_ORIGIN}
         * for all); replaces the default, the page's own origin.
         */
        public Builder allowedOrigins(String... origins) {
            List<String> list = new ArrayList<>();
            for (String o : origins) {
                Objects.requireNonNull(o, "origin");
                String origin = o.trim().toLowerCase(Locale.ROOT);
                if (!origin.equals(ANY_ORIGIN) && !origin.matches("https?://[a-z0-9.\\-\\[\\]:]+")) {
                    throw new IllegalArgumentException("allowedOrigins must be scheme://host[:port] (no path) or "
                            + ANY_ORIGIN + " but was '" + o + "'");
                }
                list.add(origin.replaceFirst("^http://(.*):80$", "http://$1")
                        .replaceFirst("^https://(.*):443$", "https://$1"));
            }
            allowedOrigins.clear();
            allowedOrigins.addAll(list);
            return this;
        }

        public Builder maxFramesPerSecond(int n) {
            this.maxFramesPerSecond = atLeast("maxFramesPerSecond", n, 1);
            return this;
        }

        public Builder helloTimeout(Duration d) {
            this.helloTimeout = positive("helloTimeout", d);
            return this;
        }

        public Builder maxFrameBytes(int n) {
            this.maxFrameBytes = atLeast("maxFrameBytes", n, 1024);
            return this;
        }

        public Builder questionTimeout(Duration d) {
            this.questionTimeout = positive("questionTimeout", d);
            return this;
        }

        public Builder sendTimeout(Duration d) {
            this.sendTimeout = positive("sendTimeout", d);
            return this;
        }

        public Builder maxQueuedFrames(int n) {
            this.maxQueuedFrames = atLeast("maxQueuedFrames", n, 1);
            return this;
        }

        public Builder maxSessions(int n) {
            this.maxSessions = atLeast("maxSessions", n, 1);
            return this;
        }

        public Builder senderThreads(int n) {
            this.senderThreads = atLeast("senderThreads", n, 1);
            return this;
        }

        /** Use the caller's executor (not shut down by the manager) to start sends. */
        public Builder sendExecutor(Executor executor) {
            this.sendExecutor = Objects.requireNonNull(executor, "sendExecutor");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        public SessionManagerOptions build() {
            return new SessionManagerOptions(this);
        }

        private static int atLeast(String name, int n, int min) {
            if (n < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + " but was " + n);
            }
            return n;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
