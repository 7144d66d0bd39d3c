package io.kafkautility.internal.loop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A loop thread's wait between reconnect attempts that {@link #stop()} cuts short: the backoff a consumer loop
 * waits after a Kafka failure (by default 100 ms doubling to 10 s). Thread-safe.
 */
public final class Backoff {
    public static final Duration INITIAL = Duration.ofMillis(100);
    public static final Duration MAX = Duration.ofSeconds(10);

    private boolean stopped;

    /** The next, doubled backoff after {@code current}, at most {@link #MAX}. */
    public static Duration next(Duration current) {
        return next(current, MAX);
    }

    /** The next, doubled backoff after {@code current}, at most {@code max}. */
    public static Duration next(Duration current, Duration max) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }

    /** Waits {@code d}, or less if stopped (or interrupted). */
    public synchronized void await(Duration d) {
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
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
