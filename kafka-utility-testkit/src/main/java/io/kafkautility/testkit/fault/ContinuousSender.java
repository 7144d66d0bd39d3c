package io.kafkautility.testkit.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps sending uniquely identified messages from one background thread while a test injects faults, recording every
 * send in a {@link ReliabilityLedger}. It never re-sends: each id is sent exactly once and its outcome (ack, failure,
 * ambiguous) is whatever the send function's future says. At most {@code maxInFlight} sends are outstanding, so an
 * outage stalls the sender instead of piling up memory.
 *
 * <p>The send function receives the id and returns a future completed by the client (e.g. wrap
 * {@code producer.send(record, callback)}); it must not block for long. A send function that throws records the id as
 * ambiguous (or failed, see {@link ReliabilityLedger#sendCompleted}).
 *
 * <p>Thread-safety: thread-safe. Ownership: the creator closes it ({@link #close()} stops sending and waits for
 * outstanding sends up to the given timeout); it does not own the client behind the send function.
 */
public final class ContinuousSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContinuousSender.class);

    private final ReliabilityLedger ledger;
    private final Function<String, ? extends CompletionStage<?>> send;
    private final int maxInFlight;
    private final long limit;
    private final Semaphore permits;
    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private ContinuousSender(ReliabilityLedger ledger, Function<String, ? extends CompletionStage<?>> send,
            int maxInFlight, long limit) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.send = Objects.requireNonNull(send, "send");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + maxInFlight);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        this.maxInFlight = maxInFlight;
        this.limit = limit;
        this.permits = new Semaphore(maxInFlight);
        this.thread = new Thread(this::run, "continuous-sender-" + ledger.testName());
        this.thread.setDaemon(true);
    }

    /**
     * Starts sending at once, without a message limit (until {@link #stop}).
     *
     * @throws IllegalArgumentException if {@code maxInFlight < 1}
     */
    public static ContinuousSender start(ReliabilityLedger ledger, int maxInFlight,
            Function<String, ? extends CompletionStage<?>> send) {
        return start(ledger, maxInFlight, Long.MAX_VALUE, send);
    }

    /** Starts sending at once; stops by itself after {@code limit} messages. */
    public static ContinuousSender start(ReliabilityLedger ledger, int maxInFlight, long limit,
            Function<String, ? extends CompletionStage<?>> send) {
        ContinuousSender sender = new ContinuousSender(ledger, send, maxInFlight, limit);
        sender.thread.start();
        return sender;
    }

    private void run() {
        try {
            while (running && attempted.get() < limit) {
                permits.acquire();
                if (!running) {
                    permits.release();
                    break;
                }
                String id = ledger.nextId();
                ledger.sent(id);
                attempted.incrementAndGet();
                CompletionStage<?> stage;
                try {
                    stage = send.apply(id);
                } catch (RuntimeException e) {
                    finish(id, e);
                    continue;
                }
                stage.whenComplete((r, e) -> finish(id, e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish(String id, Throwable error) {
        ledger.sendCompleted(id, error);
        completed.incrementAndGet();
        permits.release();
    }

    /** Number of sends issued so far. */
    public long attempted() {
        return attempted.get();
    }

    /** Number of sends whose outcome is known. */
    public long completed() {
        return completed.get();
    }

    /** Number of sends outstanding right now. */
    public long inFlight() {
        return attempted.get() - completed.get();
    }

    /** Whether {@code maxInFlight} sends are outstanding (the sender is stalled, e.g. by an outage). */
    public boolean isSaturated() {
        return inFlight() >= maxInFlight;
    }

    /**
     * Stops issuing sends and waits until every outstanding send completed.
     *
     * @return true if all completed within the timeout
     */
    public boolean stop(Duration timeout) {
        running = false;
        thread.interrupt();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return inFlight() == 0;
            }
            if (permits.tryAcquire(maxInFlight, remaining, TimeUnit.NANOSECONDS)) {
                permits.release(maxInFlight);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the limit was reached and every send completed. @return true if done within the timeout */
    public boolean awaitDone(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return stop(Duration.ofMillis(Math.max(1, timeout.toMillis())));
    }

    /** {@link #stop(Duration)} with 60 s; logs a warning if sends remain outstanding. */
    @Override
    public void close() {
        if (!stop(Duration.ofSeconds(60))) {
            log.warn("{} send(s) of {} still outstanding after 60 s", inFlight(), ledger.testName());
        }
    }
}
