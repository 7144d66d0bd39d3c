package io.kafkautility.internal.consumer;

import io.kafkautility.message.Envelope;
import io.kafkautility.tracing.KafkaTracing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/**
 * What surrounds one handler call on the consumer's worker thread: the message's id, correlation id and trace id in
 * the MDC (the trace id from the record's {@code traceparent} when no span is recorded), and a consumer span, child of
 * the record's trace context, when tracing is on. Closed on the same thread; restores the MDC as it was.
 */
final class HandlerScope implements AutoCloseable {

    private final KafkaTracing.Traced span;
    private final String previousMessageId;
    private final String previousCorrelationId;
    private final String previousTraceId;

    private HandlerScope(KafkaTracing.Traced span) {
        this.span = span;
        this.previousMessageId = MDC.get(KafkaTracing.MDC_MESSAGE_ID);
        this.previousCorrelationId = MDC.get(KafkaTracing.MDC_CORRELATION_ID);
        this.previousTraceId = MDC.get(KafkaTracing.MDC_TRACE_ID);
    }

    static HandlerScope open(KafkaTracing tracing, ConsumerRecord<byte[], byte[]> record, Envelope envelope) {
        String correlationId = envelope.correlationId().orElse(null);
        HandlerScope scope = new HandlerScope(tracing.receive("process", record.topic(), record.headers(),
                envelope.id(), correlationId));
        MDC.put(KafkaTracing.MDC_MESSAGE_ID, envelope.id());
        put(KafkaTracing.MDC_CORRELATION_ID, correlationId);
        if (!tracing.isEnabled()) { // the trace id the message carries, so the handler's logs join its trace
            envelope.traceparent().ifPresent(tp -> MDC.put(KafkaTracing.MDC_TRACE_ID, tp.substring(3, 35)));
        }
        return scope;
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Marks the span failed (the handler threw). */
    void failed(Throwable error) {
        span.failed(error);
    }

    @Override
    public void close() {
        try {
            span.close();
        } finally {
            put(KafkaTracing.MDC_MESSAGE_ID, previousMessageId);
            put(KafkaTracing.MDC_CORRELATION_ID, previousCorrelationId);
            put(KafkaTracing.MDC_TRACE_ID, previousTraceId);
        }
    }
}
