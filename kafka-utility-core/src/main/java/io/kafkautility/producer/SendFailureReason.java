package io.kafkautility.producer;

/**
 * Bounded reason codes of a failed send, used in {@link SendException#reason()} and as the {@code reason} metric tag.
 */
public enum SendFailureReason {
    /** The envelope failed validation; the future fails with {@code MessageValidationException}. */
    VALIDATION(false),
    /** The breaker of the cluster connection was open. */
    CIRCUIT_OPEN(true),
    /** The producer or its pool was closed. */
    CLOSED(false),
    /** A Kafka timeout: metadata or buffer ({@code max.block.ms}) or delivery ({@code delivery.timeout.ms}). */
    TIMEOUT(true),
    /** Another transport failure (disconnect, not enough in-sync replicas, leader change) reported as final. */
    NETWORK(true),
    /** The principal may not write to the topic (or cluster). */
    AUTHORIZATION(false),
    /** SASL or TLS authentication failed. */
    AUTHENTICATION(false),
    /** The record (or its batch) exceeds the producer's or broker's maximum size. */
    RECORD_TOO_LARGE(false),
    /** The topic name is invalid. */
    INVALID_TOPIC(false),
    /**
     * The connection settings do not match the brokers' listeners (e.g. a PLAINTEXT client on a TLS port, or a SASL
     * mismatch): after a metadata timeout the library probed the bootstrap servers and the brokers' own answers say
     * so. The cause is a {@link io.kafkautility.config.ConnectivityException} naming the fix.
     */
    MISCONFIGURED(false),
    /** The record could not be serialized or encoded. */
    SERIALIZATION(false),
    /** Anything else; see the cause. */
    OTHER(false);

    private final boolean transport;

    SendFailureReason(boolean transport) {
        this.transport = transport;
    }

    /** Whether this is a transport problem (counted by the circuit breaker), as opposed to the caller's error. */
    public boolean isTransport() {
        return transport;
    }
}
