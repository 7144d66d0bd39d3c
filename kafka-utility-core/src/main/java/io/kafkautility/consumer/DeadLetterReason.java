package io.kafkautility.consumer;

/**
 * Why a record went to the dead-letter topic (header {@code ku_dlt_reason}). Besides these, the reasons of
 * {@link io.kafkautility.validation.RejectReason} ({@code INVALID_JSON}, {@code SCHEMA_VIOLATION}, ...) are used for
 * records that failed decoding or validation.
 */
public enum DeadLetterReason {
    /** The handler threw on every attempt (and, with retry topics, at every stage). */
    HANDLER_FAILED,
    /**
     * The handler threw a failure no retry can fix ({@link ConsumerOptions#isRetryable} false, e.g. a
     * {@link PayloadConversionException} or {@link NonRetryableException}): dead-lettered after that one attempt.
     */
    NON_RETRYABLE,
    /** The message is valid but no handler is registered for its type. */
    NO_HANDLER,
    /** The record has no value (a tombstone) where a message was expected. */
    NULL_VALUE
}
