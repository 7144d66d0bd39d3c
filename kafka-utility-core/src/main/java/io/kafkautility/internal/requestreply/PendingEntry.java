package io.kafkautility.internal.requestreply;

import io.kafkautility.requestreply.RequestReplyException;
import org.apache.kafka.clients.consumer.ConsumerRecord;


/** A request waiting for its reply (or reply stream). */
abstract class PendingEntry {

    final String correlationId;
    final long startNanos;
    volatile TimeoutScheduler.Timeout timer;
    /** The request's send span (started on the caller's thread, ended when the broker answered the send). */
    volatile io.kafkautility.tracing.KafkaTracing.Traced sendSpan = io.kafkautility.tracing.KafkaTracing.Traced.none();

    PendingEntry(String correlationId) {
        this.correlationId = correlationId;
        this.startNanos = System.nanoTime();
    }

    /** A record carrying this entry's correlation id arrived (reply thread). */
    abstract void onRecord(ConsumerRecord<byte[], byte[]> record);

    /**
     * Fails the entry unless it already finished.
     *
     * @return whether this call finished it
     */
    abstract boolean fail(RequestReplyException error, String outcome);

    /** The request is being handed to the producer (after the reply listener became ready). */
    void onSending() {
    }

    void cancelTimers() {
        TimeoutScheduler.Timeout t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
