package io.kafkautility;

/**
 * Root of every exception kafka-utility throws or completes a future with.
 *
 * <p>Subclasses carry context getters (topic, correlation id, validation errors, breaker name). Like Kafka's own
 * {@code RetriableException}, {@link #isRetriable()} tells whether the same call may succeed if simply tried again;
 * the library never retries a non-retriable failure on its own. Messages never contain payloads or secrets.
 */
public class KafkaUtilityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaUtilityException(String message) {
        super(message);
    }

    public KafkaUtilityException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether trying the same operation again, unchanged, may succeed (a transient transport problem).
     * Errors of the caller (invalid payload, bad configuration, authorization) are never retriable.
     *
     * @return {@code false} unless a subclass says otherwise
     */
    public boolean isRetriable() {
        return false;
    }
}
