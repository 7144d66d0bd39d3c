package io.kafkautility.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * The library's tracing, through the OpenTelemetry API: a producer span per send (its context written into the record
 * as W3C {@code traceparent} / {@code tracestate} headers), a consumer span per record handled whose parent is the
 * context the record carries, request-reply and the UI replies joined into the same trace. Built from the
 * application's {@link OpenTelemetry} (the SDK it configured, or the one its framework provides); {@link #noop()}
 * (the default everywhere) creates no span and reads no header: the cost is one boolean check per record.
 *
 * <p>While a handler runs, the SLF4J {@link MDC} holds {@value #MDC_TRACE_ID} (and the message's
 * {@value #MDC_MESSAGE_ID} and {@value #MDC_CORRELATION_ID}, put there by the consumers), so log lines of the handler
 * carry them whether or not spans are recorded.
 *
 * <p>Immutable and thread-safe; share one per application. Spans follow the OpenTelemetry messaging conventions
 * ({@code messaging.system=kafka}, {@code messaging.destination.name}, {@code messaging.operation.type},
 * {@code messaging.message.id}); names are {@code "<operation> <topic>"}.
 */
public final class KafkaTracing {

    /** MDC key of the trace id while a handler runs. */
    public static final String MDC_TRACE_ID = "traceId";
    /** MDC key of the message id while a handler runs. */
    public static final String MDC_MESSAGE_ID = "messageId";
    /** MDC key of the correlation id while a handler runs. */
    public static final String MDC_CORRELATION_ID = "correlationId";

    static final String SCOPE = "io.kafkautility";
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("messaging.message.conversation_id");
    private static final KafkaTracing NOOP = new KafkaTracing(null);

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private KafkaTracing(OpenTelemetry otel) {
        this.tracer = otel == null ? null : otel.getTracer(SCOPE);
        this.propagator = otel == null ? null : otel.getPropagators().getTextMapPropagator();
    }

    /** Tracing through {@code openTelemetry} (its tracer provider and its propagators). */
    public static KafkaTracing of(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new KafkaTracing(openTelemetry);
    }

    /** No spans, no headers read or written: the default. */
    public static KafkaTracing noop() {
        return NOOP;
    }

    /** Whether spans are recorded at all. */
    public boolean isEnabled() {
        return tracer != null;
    }

    /**
     * Starts a span of {@code kind} for {@code operation} on {@code topic}, child of the current context (a send), and
     * writes its context into {@code headers} (replacing any {@code traceparent} there). End the returned span when the
     * broker acknowledged (or refused) the record.
     */
    public Traced send(String operation, String topic, Headers headers, String messageId, String correlationId) {
        if (tracer == null) {
            return Traced.NONE;
        }
        Span span = tracer.spanBuilder(operation + " " + topic).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "kafka").setAttribute(DESTINATION, topic).setAttribute(OPERATION, "send")
                .setAllAttributes(ids(messageId, correlationId)).startSpan();
        Context context = Context.current().with(span);
        headers.remove("traceparent");
        headers.remove("tracestate");
        propagator.inject(context, headers, HeaderSetter.INSTANCE);
        return new Traced(span, null);
    }

    /**
     * Starts a span for {@code operation} on a record of {@code topic}, child of the context its {@code headers} carry
     * (a new trace when they carry none), makes it current on this thread and puts the trace id in the MDC until the
     * returned {@link Traced} is closed (on this thread).
     */
    public Traced receive(String operation, String topic, Headers headers, String messageId, String correlationId) {
        if (tracer == null) {
            return Traced.NONE;
        }
        Context parent = propagator.extract(Context.root(), headers, HeaderGetter.INSTANCE);
        Span span = tracer.spanBuilder(operation + " " + topic).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka").setAttribute(DESTINATION, topic).setAttribute(OPERATION, "process")
                .setAllAttributes(ids(messageId, correlationId)).startSpan();
        Scope scope = span.makeCurrent();
        SpanContext sc = span.getSpanContext();
        String previous = MDC.get(MDC_TRACE_ID);
        if (sc.isValid()) {
            MDC.put(MDC_TRACE_ID, sc.getTraceId());
        }
        return new Traced(span, () -> {
            scope.close();
            if (previous == null) {
                MDC.remove(MDC_TRACE_ID);
            } else {
                MDC.put(MDC_TRACE_ID, previous);
            }
        });
    }

    /**
     * Starts a span for {@code operation} on a record of {@code topic}, child of the context its {@code headers} carry,
     * without making it current: for work that goes on on other threads (a request answered asynchronously). Make it
     * current where its work runs with {@link Traced#makeCurrent()}; close it (on any thread) when the work is done.
     */
    public Traced start(String operation, String topic, Headers headers, String messageId, String correlationId) {
        if (tracer == null) {
            return Traced.NONE;
        }
        Context parent = propagator.extract(Context.root(), headers, HeaderGetter.INSTANCE);
        Span span = tracer.spanBuilder(operation + " " + topic).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka").setAttribute(DESTINATION, topic).setAttribute(OPERATION, "process")
                .setAllAttributes(ids(messageId, correlationId)).startSpan();
        return new Traced(span, null);
    }

    private static io.opentelemetry.api.common.Attributes ids(String messageId, String correlationId) {
        io.opentelemetry.api.common.AttributesBuilder b = io.opentelemetry.api.common.Attributes.builder();
        if (messageId != null) {
            b.put(MESSAGE_ID, messageId);
        }
        if (correlationId != null) {
            b.put(CONVERSATION, correlationId);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return tracer == null ? "KafkaTracing.noop" : "KafkaTracing{" + SCOPE + "}";
    }

    /**
     * A span being recorded (or none, with tracing off: every method is then a no-op). {@link #close()} ends it; a
     * receive span also leaves the current context and the MDC as they were. Not thread-safe: a receive span is
     * closed on the thread that opened it; a send span may be ended on any thread.
     */
    public static final class Traced implements AutoCloseable {
        static final Traced NONE = new Traced(null, null);

        /** No span: every method does nothing. */
        public static Traced none() {
            return NONE;
        }

        private final Span span;
        private final Runnable onClose;

        Traced(Span span, Runnable onClose) {
            this.span = span;
            this.onClose = onClose;
        }

        /** Marks the span failed with {@code error} (type only: the message may carry payload). */
        public Traced failed(Throwable error) {
            if (span != null && error != null) {
                span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            }
            return this;
        }

        /**
         * Makes the span the current one on this thread until the returned scope is closed (on this thread): what is
         * sent meanwhile, and work handed to executors wrapped with {@code Context.current().wrap}, belongs to it.
         */
        public Scope makeCurrent() {
            return span == null ? Scope.noop() : span.makeCurrent();
        }

        /** The span's context (for tests and logs); invalid when none is recorded. */
        public SpanContext context() {
            return span == null ? SpanContext.getInvalid() : span.getSpanContext();
        }

        /** Ends the span (once). */
        @Override
        public void close() {
            if (span == null) {
                return;
            }
            try {
                if (onClose != null) {
                    onClose.run();
                }
            } finally {
                span.end();
            }
        }
    }

    private enum HeaderSetter implements TextMapSetter<Headers> {
        INSTANCE;

        @Override
        public void set(Headers carrier, String key, String value) {
            if (carrier != null && key != null && value != null) {
                carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Reads trace headers from the wire, bounded: a hostile header is ignored, never an error. */
    private enum HeaderGetter implements TextMapGetter<Headers> {
        INSTANCE;

        private static final int MAX = 512;

        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            for (Header h : carrier) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null || key == null) {
                return null;
            }
            Header h = carrier.lastHeader(key);
            if (h == null || h.value() == null || h.value().length > MAX) {
                return null;
            }
            return new String(h.value(), StandardCharsets.UTF_8);
        }
    }
}
