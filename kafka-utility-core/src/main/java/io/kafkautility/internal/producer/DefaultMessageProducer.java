package io.kafkautility.internal.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.internal.metrics.DefaultKafkaUtilityMetrics;
import io.kafkautility.internal.pool.DefaultKafkaClientPool;
import io.kafkautility.internal.message.EnvelopeAccess;
import io.kafkautility.message.Envelope;
import io.kafkautility.tracing.KafkaTracing;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageType;
import io.kafkautility.producer.CircuitState;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerClosedException;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.producer.SendResult;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import io.kafkautility.validation.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user's handle on a shared producer: validates and encodes envelopes, then sends through the shared producer. */
public final class DefaultMessageProducer implements MessageProducer {

    /** A send failure this recent makes the producer DEGRADED. */
    static final java.time.Duration RECENT_FAILURE = java.time.Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageProducer.class);
    private static final String UNKNOWN_TYPE = "unknown";

    private final DefaultKafkaClientPool pool;
    private final SharedProducer shared;
    private final ProducerOptions options;
    private final MessageValidator validator;
    private final EnvelopeCodec codec;
    private final DefaultKafkaUtilityMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    public DefaultMessageProducer(DefaultKafkaClientPool pool, SharedProducer shared, ProducerOptions options,
                                  MessageValidator validator, DefaultKafkaUtilityMetrics metrics) {
        this.pool = pool;
        this.shared = shared;
        this.options = options;
        this.validator = validator;
        this.codec = validator.codec();
        this.metrics = metrics;
        shared.addListener(options.listener());
    }

    @Override
    public CompletableFuture<SendResult> send(String topic, Envelope envelope) {
        return send(topic, null, envelope);
    }

    @Override
    public CompletableFuture<SendResult> send(String topic, String key, MessageType type, JsonNode data) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        // the envelope is validated and encoded before this method returns and never escapes it, so the caller's tree
        // is read in place instead of copied (the validator bounds its depth before anything recurses into it)
        return send(topic, key, EnvelopeAccess.adoptData(Envelope.builder().messageType(type).source(options.source()),
                data).build());
    }

    @Override
    public CompletableFuture<SendResult> send(String topic, String key, Envelope envelope) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(envelope, "envelope");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new ProducerClosedException(topic, envelope.id()));
        }
        boolean binary = options.contentMode() == io.kafkautility.message.ContentMode.BINARY;
        byte[] value;
        RecordHeaders headers = new RecordHeaders();
        try {
            // structured mode: checked and written in one walk of the data; binary mode: checked, then written
            if (binary) {
                validator.requireValid(envelope);
                value = null;
            } else {
                value = validator.encodeValid(envelope);
            }
        } catch (MessageValidationException e) {
            return refused(topic, envelope, e);
        } catch (RuntimeException e) {
            return unencodable(topic, envelope, e);
        }
        try {
            if (binary) {
                value = codec.encodeBinary(envelope, headers);
            } else {
                codec.writeHeaders(envelope, headers);
            }
        } catch (RuntimeException e) {
            return unencodable(topic, envelope, e);
        }
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return traced(new ProducerRecord<>(topic, null, keyBytes, value, headers), envelope.id(), envelope.type(),
                envelope.correlationId().orElse(null));
    }

    private CompletableFuture<SendResult> refused(String topic, Envelope envelope, MessageValidationException e) {
        String type = e.reason() == RejectReason.UNKNOWN_TYPE ? UNKNOWN_TYPE : envelope.type();
        metrics.validationFailure(topic, type, e.reason().name());
        metrics.failed(topic, type, SendFailureReason.VALIDATION.name(), 0);
        log.debug("not sending invalid message id={} type={} to '{}': {}", LogText.oneLine(envelope.id()),
                LogText.oneLine(type), topic, e.reason());
        return CompletableFuture.failedFuture(e);
    }

    private CompletableFuture<SendResult> unencodable(String topic, Envelope envelope, RuntimeException e) {
        metrics.failed(topic, envelope.type(), SendFailureReason.SERIALIZATION.name(), 0);
        return CompletableFuture.failedFuture(new SendException(topic, envelope.id(), SendFailureReason.SERIALIZATION,
                DeliveryState.NOT_SENT, 0, "cannot encode the envelope: " + e.getClass().getSimpleName(), e));
    }

    /** Sends with a producer span (child of the caller's context, written into the record) when tracing is on. */
    private CompletableFuture<SendResult> traced(ProducerRecord<byte[], byte[]> record, String id, String type,
                                                 String correlationId) {
        KafkaTracing tracing = pool.tracing();
        if (!tracing.isEnabled()) {
            return shared.send(record, id, type, options.completionExecutor());
        }
        KafkaTracing.Traced span = tracing.send("send", record.topic(), record.headers(), id, correlationId);
        return shared.send(record, id, type, options.completionExecutor()).whenComplete((r, e) -> {
            span.failed(e).close();
        });
    }

    @Override
    public CompletableFuture<SendResult> sendRecord(ProducerRecord<byte[], byte[]> record) {
        Objects.requireNonNull(record, "record");
        String id = header(record, MessageHeaders.MESSAGE_ID);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new ProducerClosedException(record.topic(), id));
        }
        String type = header(record, MessageHeaders.MESSAGE_TYPE);
        return traced(record, id, type != null && validator.catalog().find(type).isPresent() ? type : UNKNOWN_TYPE,
                header(record, MessageHeaders.CORRELATION_ID));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public String breakerName() {
        return shared.name();
    }

    @Override
    public CircuitState circuitState() {
        return shared.state();
    }

    @Override
    public io.kafkautility.health.Health health() {
        io.kafkautility.health.Health h = shared.health("producer", RECENT_FAILURE);
        if (!closed.get() || h.status() == io.kafkautility.health.HealthStatus.DOWN && h.reasons().contains("closed")) {
            return h;
        }
        java.util.List<String> reasons = new java.util.ArrayList<>(h.reasons());
        reasons.add("closed");
        return io.kafkautility.health.Health.of("producer", io.kafkautility.health.HealthStatus.DOWN, reasons,
                h.details());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shared.removeListener(options.listener());
            pool.release(shared);
        }
    }

    @Override
    public String toString() {
        return "MessageProducer{breaker=" + shared.name() + ", closed=" + closed.get() + '}';
    }
}
