package io.kafkautility.producer;

/**
 * What is known about a failed send: whether the record can have reached the broker. This decides whether sending it
 * again is safe.
 */
public enum DeliveryState {
    /**
     * The record certainly never reached the broker (rejected before it was handed to the network: breaker open,
     * metadata not available within {@code max.block.ms}, buffer full, record too large, serialization, closed).
     * Sending it again cannot create a duplicate.
     */
    NOT_SENT,
    /**
     * The record may or may not have been written (e.g. {@code delivery.timeout.ms} expired after the record was handed
     * to the network). Sending it again may create a duplicate; the stable message id lets consumers deduplicate.
     * The library never re-sends in this state.
     */
    AMBIGUOUS,
    /** The broker answered and refused the record (authorization, too large, invalid topic): it was not written. */
    REJECTED
}
