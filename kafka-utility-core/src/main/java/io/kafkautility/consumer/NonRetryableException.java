package io.kafkautility.consumer;

import io.kafkautility.KafkaUtilityException;

/**
 * Thrown by a handler for a message that can never succeed (a domain "not found", a request the service refuses): the
 * consumer dead-letters it at once with reason {@code NON_RETRYABLE} instead of retrying it, and goes on with the next
 * record of the partition. Its message goes to the dead-letter record's reason headers, so keep payload values out of
 * it. Other exception types can be declared non-retryable with {@link ConsumerOptions.Builder#noRetryOn}.
 */
public class NonRetryableException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
