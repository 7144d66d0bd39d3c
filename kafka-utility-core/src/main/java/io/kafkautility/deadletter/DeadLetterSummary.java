package io.kafkautility.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a dead-letter topic by reason and age bucket. Immutable.
 *
 * @param total    records
 * @param replayed of which the ledger says were replayed
 * @param byReason reason -> age bucket ({@code <1h}, {@code <1d}, {@code <7d}, {@code >=7d}) -> count
 */
public record DeadLetterSummary(long total, long replayed, Map<String, Map<String, Long>> byReason) {

    /** The age buckets, youngest first. */
    public static final List<String> BUCKETS = List.of("<1h", "<1d", "<7d", ">=7d");

    /** Counts {@code entries} at the current time. */
    public static DeadLetterSummary of(List<DeadLetterEntry> entries) {
        Instant now = Instant.now();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        long replayed = 0;
        for (DeadLetterEntry e : entries) {
            counts.computeIfAbsent(e.reason(), r -> new TreeMap<>()).merge(bucket(e.age(now)), 1L, Long::sum);
            if (e.replayed()) {
                replayed++;
            }
        }
        counts.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        return new DeadLetterSummary(entries.size(), replayed, Collections.unmodifiableMap(counts));
    }

    static String bucket(Duration age) {
        if (age.compareTo(Duration.ofHours(1)) < 0) {
            return "<1h";
        }
        if (age.compareTo(Duration.ofDays(1)) < 0) {
            return "<1d";
        }
        return age.compareTo(Duration.ofDays(7)) < 0 ? "<7d" : ">=7d";
    }
}
