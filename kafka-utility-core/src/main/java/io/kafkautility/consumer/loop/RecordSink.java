package io.kafkautility.consumer.loop;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link ConsumerLoop} hands its records to. Called on the loop's poll thread only: {@link #accept} must not
 * block (hand slow work to another thread and finish it through the {@link RecordAck}).
 */
public interface RecordSink {

    /**
     * One record, in offset order per partition. The sink calls {@link RecordAck#begin()} before working on it and
     * then {@link RecordAck#done()} or {@link RecordAck#retry()}, on any thread. A record never finished holds its
     * partition's commits back (and counts against {@link ConsumerLoopOptions#maxInFlight()}) until the partition is
     * revoked or the loop is closed. An exception thrown here is a failure of the loop: the record is read again by
     * the recreated client.
     */
    void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack);

    /**
     * The Kafka client failed ({@code error}, already logged by the loop without payloads). Return true to recreate
     * it after {@code retryIn} (the default), false to stop the loop for good (its {@link ConsumerLoop#ready()} then
     * fails with {@code error}).
     */
    default boolean onFailure(RuntimeException error, Duration retryIn) {
        return true;
    }

    /**
     * Records claimed by {@link RecordAck#begin()} did not finish within the bound of a revoke, reconnect or close:
     * interrupt the work on them if possible. The loop goes on without waiting; their later {@code done()} is ignored.
     */
    default void interrupt() {
    }
}
