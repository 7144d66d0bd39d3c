package io.kafkautility.deadletter;

import io.kafkautility.config.ConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead-letter records to replay and where: by reason, by age, at most a number of them; to their original
 * topic or an explicit one; or a dry run that only counts. Immutable; built by {@link #builder()}.
 */
public final class ReplaySelection {

    private final Set<String> reasons;
    private final Duration olderThan;
    private final Duration newerThan;
    private final String target;
    private final boolean dryRun;
    private final long limit;

    private ReplaySelection(Builder b) {
        this.reasons = Set.copyOf(b.reasons);
        this.olderThan = b.olderThan;
        this.newerThan = b.newerThan;
        this.target = b.target;
        this.dryRun = b.dryRun;
        this.limit = b.limit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code entry} is selected at {@code now}. */
    public boolean matches(DeadLetterEntry entry, Instant now) {
        if (!reasons.isEmpty() && !reasons.contains(entry.reason())) {
            return false;
        }
        Duration age = entry.age(now);
        if (olderThan != null && age.compareTo(olderThan) < 0) {
            return false;
        }
        return newerThan == null || age.compareTo(newerThan) < 0;
    }

    /** Reasons selected; empty for all. */
    public Set<String> reasons() {
        return reasons;
    }

    /** An explicit target topic, else each record's original topic. */
    public Optional<String> target() {
        return Optional.ofNullable(target);
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** At most this many records are replayed; {@link Long#MAX_VALUE} by default. */
    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "ReplaySelection{reasons=" + reasons + ", olderThan=" + olderThan + ", newerThan=" + newerThan
                + ", target=" + target + ", dryRun=" + dryRun + ", limit=" + limit + "}";
    }

    /** Builds a {@link ReplaySelection}; everything by default. Not thread-safe. */
    public static final class Builder {
        private final Set<String> reasons = new LinkedHashSet<>();
        private Duration olderThan;
        private Duration newerThan;
        private String target;
        private boolean dryRun;
        private long limit = Long.MAX_VALUE;

        private Builder() {
        }

        /** Only records with this {@code ku_dlt_reason} (may be called several times). */
        public Builder reason(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new ConfigurationException("reason must not be blank but was '" + reason + "'");
            }
            reasons.add(reason.trim());
            return this;
        }

        /** Only records that failed at least {@code age} ago. */
        public Builder olderThan(Duration age) {
            this.olderThan = requireNonNegative("olderThan", age);
            return this;
        }

        /** Only records that failed less than {@code age} ago. */
        public Builder newerThan(Duration age) {
            this.newerThan = requireNonNegative("newerThan", age);
            return this;
        }

        /** Re-publish to {@code topic} instead of each record's original topic. */
        public Builder to(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new ConfigurationException("target topic must not be blank but was '" + topic + "'");
            }
            this.target = topic;
            return this;
        }

        /** Count what would be replayed, re-publish nothing. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** Replay at most {@code records}; must be > 0. */
        public Builder limit(long records) {
            if (records < 1) {
                throw new ConfigurationException("limit must be > 0 but was " + records);
            }
            this.limit = records;
            return this;
        }

        public ReplaySelection build() {
            if (olderThan != null && newerThan != null && olderThan.compareTo(newerThan) >= 0) {
                throw new ConfigurationException("olderThan (" + olderThan + ") must be less than newerThan ("
                        + newerThan + ")");
            }
            return new ReplaySelection(this);
        }

        private static Duration requireNonNegative(String name, Duration d) {
            if (Objects.requireNonNull(d, name).isNegative()) {
                throw new ConfigurationException(name + " must be >= 0 but was " + d);
            }
            return d;
        }
    }
}
