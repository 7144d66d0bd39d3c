package io.kafkautility.health;

/** How a component is doing, best first. */
public enum HealthStatus {
    /** Working. */
    UP,
    /** Working, but something needs attention (recent send failures, a consumer falling behind). */
    DEGRADED,
    /** Not working (circuit breaker open, consumer not running or cut off from its group, not ready yet). */
    DOWN;

    /** The worse of this and {@code other}. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
