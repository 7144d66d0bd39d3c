package io.kafkautility.consumer;

import io.kafkautility.KafkaUtilityException;
import java.time.Duration;

/**
 * The Kafka client of a {@link MessageConsumer} failed (not a record: bad records are dead-lettered). Given to the
 * {@link ConsumerErrorListener} on every failure, and fails {@link MessageConsumer#ready()} when a non-retriable
 * one ({@link Reason#AUTHENTICATION}, {@link Reason#AUTHORIZATION}, {@link Reason#CONFIGURATION}) happens before the first assignment. The consumer
 * itself goes on: it recreates its Kafka client after {@link #retryIn()} (doubling up to
 * {@link ConsumerOptions#maxReconnectBackoff()}), so a fixed ACL or credential rotation is picked up.
 *
 * <p>The message names the consumer, the reason and Kafka's error (type and message); never a secret or payload.
 */
public class ConsumerException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    /** Bounded reason codes. */
    public enum Reason {
        /** SASL or TLS authentication failed (wrong password, untrusted certificate, TLS handshake failure). */
        AUTHENTICATION,
        /** The principal may not read a topic or use the consumer group. */
        AUTHORIZATION,
        /**
         * The connection settings do not match the brokers' listeners (e.g. a PLAINTEXT client on a TLS port): found
         * by probing the bootstrap servers when no partitions were assigned within a few seconds; the cause is a
         * {@link io.kafkautility.config.ConnectivityException} naming the fix.
         */
        CONFIGURATION,
        /** Any other client error (see the cause). */
        CLIENT_ERROR
    }

    private final String consumerName;
    private final Reason reason;
    private final Duration retryIn;

    /**
     * @param consumerName the consumer's name
     * @param reason       the reason code
     * @param detail       a safe description of the Kafka error
     * @param retryIn      when the Kafka client is recreated
     * @param cause        the Kafka exception
     */
    public ConsumerException(String consumerName, Reason reason, String detail, Duration retryIn, Throwable cause) {
        super("consumer '" + consumerName + "' failed (" + reason + ": " + detail + "); retrying in "
                + retryIn.toMillis() + " ms", cause);
        this.consumerName = consumerName;
        this.reason = reason;
        this.retryIn = retryIn;
    }

    /** The consumer's name ({@link ConsumerOptions#name()}). */
    public String consumerName() {
        return consumerName;
    }

    /** The bounded reason code. */
    public Reason reason() {
        return reason;
    }

    /** When the consumer recreates its Kafka client. */
    public Duration retryIn() {
        return retryIn;
    }

    /** False for authentication, authorization and configuration failures: they need a change of settings or ACLs. */
    @Override
    public boolean isRetriable() {
        return reason == Reason.CLIENT_ERROR;
    }
}
