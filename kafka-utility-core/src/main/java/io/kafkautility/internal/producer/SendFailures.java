package io.kafkautility.internal.producer;

import io.kafkautility.config.ConnectivityException;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Classifies Kafka producer failures.
 *
 * <ul>
 *   <li>reason: a bounded code; transport reasons (timeouts, retriable network errors such as disconnects or
 *       not-enough-replicas) are recorded by the breaker, everything else (authorization, authentication, too large,
 *       invalid topic, serialization, closed) is ignored by it;</li>
 *   <li>delivery state: a failure reported while {@code KafkaProducer.send} was still running on the caller's thread
 *       happened before the record was appended, so it is NOT_SENT; a later failure is REJECTED when the broker
 *       refused the record for the caller's fault, else AMBIGUOUS.</li>
 * </ul>
 * Only NOT_SENT failures with a transport reason are retried.
 */
public final class SendFailures {

    private SendFailures() {
    }

    public static SendFailureReason reason(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof SendException se) {
            return se.reason();
        }
        if (e instanceof ConnectivityException) {
            return SendFailureReason.MISCONFIGURED;
        }
        if (e instanceof TimeoutException) {
            return SendFailureReason.TIMEOUT;
        }
        if (e instanceof AuthorizationException) {
            return SendFailureReason.AUTHORIZATION;
        }
        if (e instanceof AuthenticationException) {
            return SendFailureReason.AUTHENTICATION;
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return SendFailureReason.RECORD_TOO_LARGE;
        }
        if (e instanceof InvalidTopicException) {
            return SendFailureReason.INVALID_TOPIC;
        }
        if (e instanceof SerializationException) {
            return SendFailureReason.SERIALIZATION;
        }
        if (e instanceof RetriableException) {
            return SendFailureReason.NETWORK;
        }
        if (e instanceof IllegalStateException || e instanceof KafkaException && String.valueOf(e.getMessage()).contains("closed")) {
            return SendFailureReason.CLOSED;
        }
        return SendFailureReason.OTHER;
    }

    /** Whether the breaker counts this failure. */
    public static boolean isTransport(Throwable t) {
        return reason(t).isTransport();
    }

    /** The delivery state of a Kafka failure; {@code synchronous} when reported before {@code send} returned. */
    public static DeliveryState deliveryState(Throwable kafkaError, boolean synchronous) {
        if (synchronous) {
            return DeliveryState.NOT_SENT;
        }
        SendFailureReason r = reason(kafkaError);
        return switch (r) {
            case AUTHORIZATION, AUTHENTICATION, RECORD_TOO_LARGE, INVALID_TOPIC, SERIALIZATION, MISCONFIGURED ->
                    DeliveryState.REJECTED;
            default -> DeliveryState.AMBIGUOUS;
        };
    }

    /** Whether the library re-sends after this failure: only when the record certainly never reached the broker. */
    public static boolean isSafeToRetry(Throwable t, boolean retryOnCircuitOpen) {
        Throwable e = unwrap(t);
        if (e instanceof CircuitOpenException) {
            return retryOnCircuitOpen;
        }
        return e instanceof SendException se && se.isRetriable();
    }

    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * A safe description of a Kafka error: its type and Kafka's message (Kafka messages carry no payloads). A batch
     * that expired ({@code delivery.timeout.ms}) gets a hint: Kafka drops the error it kept retrying, e.g.
     * {@code NOT_ENOUGH_REPLICAS} when fewer replicas are in sync than {@code min.insync.replicas} with acks=all.
     */
    public static String describe(Throwable t) {
        String d = t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
        if (isDeliveryExpiry(t)) {
            d += " (delivery.timeout.ms expired while the Kafka producer retried; usual causes: the partition has no "
                    + "reachable leader, or fewer in-sync replicas than min.insync.replicas for acks=all "
                    + "(NOT_ENOUGH_REPLICAS); the producer's WARN log names the error it retried)";
        }
        return d;
    }

    private static boolean isDeliveryExpiry(Throwable t) {
        return t instanceof TimeoutException && t.getMessage() != null && t.getMessage().startsWith("Expiring ");
    }
}
