package io.kafkautility.response;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Immutable settings of a {@link WebSocketSessionManager}, from a validating {@link #builder()}.
 *
 * <p>Defaults: question timeout {@value #DEFAULT_QUESTION_TIMEOUT_S} s, send timeout {@value #DEFAULT_SEND_TIMEOUT_S} s,
 * {@value #DEFAULT_MAX_QUEUED_FRAMES} frames buffered per session, at most {@value #DEFAULT_MAX_SESSIONS} sessions,
 * {@value #DEFAULT_SENDER_THREADS} sender threads owned by the manager, the system clock, a private meter registry.
 */
public final class SessionManagerOptions {

    public static final long DEFAULT_QUESTION_TIMEOUT_S = 120;
    public static final long DEFAULT_SEND_TIMEOUT_S = 10;
    public static final int DEFAULT_MAX_QUEUED_FRAMES = 256;
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    public static final int DEFAULT_SENDER_THREADS = 4;

    private final Duration questionTimeout;
    private final Duration sendTimeout;
    private final int maxQueuedFrames;
    private final int maxSessions;
    private final int senderThreads;
    private final Executor sendExecutor;
    private final Clock clock;
    private final MeterRegistry meterRegistry;

    private SessionManagerOptions(Builder b) {
        this.questionTimeout = b.questionTimeout;
        this.sendTimeout = b.sendTimeout;
        this.maxQueuedFrames = b.maxQueuedFrames;
        this.maxSessions = b.maxSessions;
        this.senderThreads = b.senderThreads;
        this.sendExecutor = b.sendExecutor;
        this.clock = b.clock;
        this.meterRegistry = b.meterRegistry;
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

    @Override
    public String toString() {
        return "SessionManagerOptions{questionTimeout=" + questionTimeout + ", sendTimeout=" + sendTimeout
                + ", maxQueuedFrames=" + maxQueuedFrames + ", maxSessions=" + maxSessions + ", senderThreads="
                + senderThreads + ", sendExecutor=" + (sendExecutor == null ? "own" : "caller's") + "}";
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

        private Builder() {
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
