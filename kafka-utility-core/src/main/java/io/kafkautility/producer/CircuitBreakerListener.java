package io.kafkautility.producer;

/**
 * Observes state changes of the circuit breaker guarding a cluster connection.
 *
 * <p>Called synchronously on the thread that caused the transition (a caller thread or the Kafka producer's I/O
 * thread): implementations must be fast and must not block. An exception thrown by a listener is caught and logged;
 * it never affects a send.
 */
@FunctionalInterface
public interface CircuitBreakerListener {

    /** A listener that does nothing. */
    CircuitBreakerListener NONE = (breaker, from, to) -> { };

    /**
     * The breaker changed state.
     *
     * @param breakerName the breaker's name (one per cluster connection)
     * @param from        the previous state
     * @param to          the new state
     */
    void onStateTransition(String breakerName, CircuitState from, CircuitState to);
}
