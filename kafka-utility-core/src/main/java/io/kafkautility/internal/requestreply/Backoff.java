package io.kafkautility.internal.requestreply;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A loop thread's wait between reconnect attempts that {@link #stop()} cuts short: the backoff the request-reply
 * loops (responder, reply listener) wait after a Kafka failure, 100 ms doubling to 10 s. Thread-safe.
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofSeconds(10);

    private boolean stopped;

    /** The next, doubled backoff after {@code current}, at most {@link #MAX}. */
    static Duration next(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(MAX) > 0 ? MAX : doubled;
    }

    /** Waits {@code d}, or less if stopped (or interrupted). */
    synchronized void await(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (!stopped) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Ends every wait now and later. */
    synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
