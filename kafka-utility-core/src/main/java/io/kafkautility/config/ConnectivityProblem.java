package io.kafkautility.config;

/** What a {@link ConnectivityCheck} found wrong, each with a plain-words explanation in {@link ConnectivityIssue#message()}. */
public enum ConnectivityProblem {
    /** The bootstrap host name does not resolve. */
    UNKNOWN_HOST,
    /** Nothing accepts connections at the address (connection refused). */
    NOTHING_LISTENING,
    /** The address does not answer a TCP connect in time (firewall, wrong network). */
    UNREACHABLE,
    /** Something listens but does not speak the Kafka protocol. */
    NOT_KAFKA,
    /** The port expects TLS but the client is configured without it (PLAINTEXT or SASL_PLAINTEXT). */
    TLS_EXPECTED,
    /** The client uses TLS (SSL or SASL_SSL) but the port speaks plain Kafka. */
    PLAINTEXT_EXPECTED,
    /** The port requires SASL authentication but the client is configured without it. */
    SASL_EXPECTED,
    /** The client uses SASL but the port has no SASL. */
    SASL_NOT_ENABLED,
    /** The broker does not enable the client's SASL mechanism. */
    SASL_MECHANISM_NOT_ENABLED,
    /** The TLS handshake failed (certificate not trusted, host name mismatch, client certificate required). */
    TLS_HANDSHAKE_FAILED,
    /** The broker rejected the credentials. */
    AUTHENTICATION_FAILED,
    /** The principal may not perform the operation on the cluster or topic. */
    NOT_AUTHORIZED,
    /** The topic does not exist. */
    TOPIC_MISSING,
    /** The cluster did not answer within the check's time bound. */
    TIMEOUT,
    /** Anything else; see the message. */
    OTHER
}
