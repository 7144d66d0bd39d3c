package io.kafkautility.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.ProducerClosedException;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** The classification that decides what the breaker counts and what may be re-sent. */
class SendFailuresTest {

    private static SendException failure(RuntimeException kafka, boolean synchronous) {
        return new SendException("t", "id", SendFailures.reason(kafka), SendFailures.deliveryState(kafka, synchronous), 1,
                SendFailures.describe(kafka), kafka);
    }

    @Test
    void metadataOrBufferTimeoutBeforeAppendIsNotSentAndSafeToRetry() {
        TimeoutException metadata = new TimeoutException("Topic t not present in metadata after 5000 ms.");
        SendException e = failure(metadata, true);
        assertThat(e.reason()).isEqualTo(SendFailureReason.TIMEOUT);
        assertThat(e.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
        assertThat(SendFailures.isTransport(metadata)).isTrue();
        assertThat(SendFailures.isSafeToRetry(e, false)).isTrue();
        assertThat(SendFailures.isSafeToRetry(failure(new BufferExhaustedException("full"), true), false)).isTrue();
    }

    @Test
    void deliveryTimeoutAfterAppendIsAmbiguousAndNeverRetried() {
        SendException e = failure(new TimeoutException("Expiring 1 record(s) for t-0: 30000 ms has passed"), false);
        assertThat(e.deliveryState()).isEqualTo(DeliveryState.AMBIGUOUS);
        assertThat(e.isRetriable()).isFalse();
        assertThat(SendFailures.isSafeToRetry(e, true)).isFalse();
        assertThat(SendFailures.isSafeToRetry(new CompletionException(e), true)).isFalse();
    }

    @Test
    void anExpiredBatchNamesItsPartitionAndTheLikelyRetriedErrorsButAMetadataTimeoutGetsNoSuchHint() {
        SendException e = failure(new TimeoutException(
                "Expiring 14 record(s) for t-0:8001 ms has passed since batch creation"), false);
        assertThat(e.getMessage()).contains("TIMEOUT, AMBIGUOUS").contains("Expiring 14 record(s) for t-0:8001 ms")
                .contains("delivery.timeout.ms").contains("min.insync.replicas").contains("NOT_ENOUGH_REPLICAS");
        assertThat(SendFailures.describe(new TimeoutException("Topic t not present in metadata after 5000 ms.")))
                .isEqualTo("TimeoutException: Topic t not present in metadata after 5000 ms.");
    }

    @Test
    void transportFailuresAreCountedByTheBreaker() {
        assertThat(SendFailures.isTransport(new NotEnoughReplicasException("isr"))).isTrue();
        assertThat(SendFailures.isTransport(new NetworkException("disconnected"))).isTrue();
        assertThat(SendFailures.reason(new NotEnoughReplicasException("isr"))).isEqualTo(SendFailureReason.NETWORK);
        assertThat(failure(new NetworkException("x"), false).deliveryState()).isEqualTo(DeliveryState.AMBIGUOUS);
    }

    @Test
    void callerErrorsAreIgnoredByTheBreakerAndNotRetried() {
        RuntimeException[] callerErrors = {new TopicAuthorizationException("denied"), new RecordTooLargeException("big"),
                new SerializationException("bad"), new SaslAuthenticationException("bad password"),
                new IllegalStateException("Cannot perform operation after producer has been closed")};
        for (RuntimeException ex : callerErrors) {
            assertThat(SendFailures.isTransport(ex)).as(ex.toString()).isFalse();
            assertThat(SendFailures.isSafeToRetry(failure(ex, true), true)).as(ex.toString()).isFalse();
        }
        assertThat(failure(new TopicAuthorizationException("denied"), false).deliveryState()).isEqualTo(DeliveryState.REJECTED);
        assertThat(failure(new RecordTooLargeException("big"), true).deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
        assertThat(SendFailures.reason(new KafkaException("Producer is closed forcefully."))).isEqualTo(SendFailureReason.CLOSED);
    }

    @Test
    void circuitOpenIsRetriedOnlyWhenAskedAndClosedNever() {
        CircuitOpenException open = new CircuitOpenException("t", "id", "b");
        assertThat(open.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
        assertThat(open.isRetriable()).isTrue();
        assertThat(SendFailures.isSafeToRetry(open, false)).isFalse();
        assertThat(SendFailures.isSafeToRetry(open, true)).isTrue();
        assertThat(SendFailures.isSafeToRetry(new ProducerClosedException("t", "id"), true)).isFalse();
        assertThat(SendFailures.isTransport(open)).isTrue();
    }
}
