package io.kafkautility.consumer;

/**
 * Why a record went to the dead-letter topic (header {@code ku_dlt_reason}). Besides these, the reasons of
 * {@link io.kafkautility.validation.RejectReason} ({@code INVALID_JSON}, {@code SCHEMA_VIOLATION}, ...) are used for
 * records that failed decoding or validation.
 */
public enum DeadLetterReason {
    /** The handler threw on every attempt. */
    HANDLER_FAILED,
    /** The message is valid but no handler is registered for its type. */
    NO_HANDLER,
    /** The record has no value (a tombstone) where a message was expected. */
    NULL_VALUE
}
