package io.kafkautility.avro;

import io.kafkautility.KafkaUtilityException;

/**
 * A schema registry call failed. {@link #isRetriable()} is true when the registry was unreachable, timed out or
 * answered 5xx/429; false for answers that will not change by retrying (401/403, 4xx, malformed answer).
 * {@link #statusCode()} is the HTTP status, or -1 when there was no answer. Messages never contain credentials.
 */
public class SchemaRegistryException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final boolean retriable;

    public SchemaRegistryException(String message, int statusCode, boolean retriable, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
        this.retriable = retriable;
    }

    /** The HTTP status code of the registry's answer, or -1 when none arrived. */
    public int statusCode() {
        return statusCode;
    }

    @Override
    public boolean isRetriable() {
        return retriable;
    }
}
