package io.kafkautility.message;

/**
 * How an envelope is laid out on a Kafka record (CloudEvents' Kafka protocol binding). Readers of the library accept
 * both.
 */
public enum ContentMode {
    /** The whole event as one {@code application/cloudevents+json} value (the default). */
    STRUCTURED,
    /**
     * The data alone as the {@code application/json} value, the attributes as {@code ce_*} headers
     * ({@code ce_specversion}, {@code ce_id}, {@code ce_source}, {@code ce_type}, ...): what consumers that look only at
     * the value (or at headers) of other frameworks expect.
     */
    BINARY
}
