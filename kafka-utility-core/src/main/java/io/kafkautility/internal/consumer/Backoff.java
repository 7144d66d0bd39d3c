package io.kafkautility.internal.consumer;

import java.time.Duration;

/** Bounded exponential backoff: initial * 2^(n-1), capped. Immutable. */
public record Backoff(Duration initial, Duration max) {

    /**
     * @param failures failures so far (from 1)
     * @return the delay before the next attempt
     */
    public Duration delay(int failures) {
        long initialMs = initial.toMillis();
        long maxMs = max.toMillis();
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long d = initialMs <= 0 ? 0 : initialMs << shift;
        if (d < 0 || d > maxMs) {
            d = maxMs;
        }
        return Duration.ofMillis(d);
    }
}
