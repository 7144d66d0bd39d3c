package io.kafkautility.producer;

/** States of a circuit breaker (mirrors resilience4j's states without exposing its types). */
public enum CircuitState {
    /** Calls flow; failures are counted. */
    CLOSED,
    /** Calls fail fast with {@link CircuitOpenException} until the open duration has passed. */
    OPEN,
    /** A few probe calls flow; their outcome closes or re-opens the breaker. */
    HALF_OPEN,
    /** The breaker is switched off: calls always flow, nothing is counted. */
    DISABLED,
    /** Forced open by an operator. */
    FORCED_OPEN,
    /** Counts but never opens. */
    METRICS_ONLY
}
