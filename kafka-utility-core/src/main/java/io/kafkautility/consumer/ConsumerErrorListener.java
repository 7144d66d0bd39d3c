package io.kafkautility.consumer;

/**
 * Told about failures of a {@link MessageConsumer}'s Kafka client: authentication, authorization, and other client
 * errors that make the consumer recreate its Kafka client with backoff. Bad records are not reported here (they go to
 * the dead-letter topic).
 *
 * <p>Called on the consumer's poll thread, once per failure (at most once per backoff interval): implementations must
 * be fast and must not block. An exception thrown by a listener is caught and logged.
 */
@FunctionalInterface
public interface ConsumerErrorListener {

    /** A listener that does nothing. */
    ConsumerErrorListener NONE = error -> { };

    /**
     * The consumer's Kafka client failed.
     *
     * @param error what failed, with the Kafka exception as cause
     */
    void onError(ConsumerException error);
}
