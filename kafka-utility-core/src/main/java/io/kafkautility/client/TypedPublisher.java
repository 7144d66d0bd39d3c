package io.kafkautility.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageDefinition;
import io.kafkautility.message.MessageType;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendResult;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the typed service clients share: a producer from a (possibly shared) pool, a JSON mapper for their payload
 * records, and the catalog that says each type's topic and key. Thread-safe. Closes the pool only if it owns it.
 */
public final class TypedPublisher implements AutoCloseable {

    private final KafkaClientPool pool;
    private final boolean ownsPool;
    private final MessageProducer producer;
    private final ObjectMapper mapper;
    private final MessageCatalog catalog;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String source;

    public TypedPublisher(KafkaConnectionOptions connection, KafkaClientPool sharedPool, String source) {
        Objects.requireNonNull(connection, "connection");
        this.ownsPool = sharedPool == null;
        this.pool = ownsPool ? KafkaClientPool.builder().name(source).build() : sharedPool;
        this.producer = pool.newProducer(ProducerOptions.builder(connection).source(source).build());
        this.mapper = newMapper();
        this.catalog = MessageCatalog.standard();
        this.source = source;
    }

    /** A mapper for payload records: absent values omitted, instants as RFC 3339 strings, newer (unknown) properties ignored when reading. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    }

    /** The mapper used for payload records. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The pool the producer belongs to. */
    public KafkaClientPool pool() {
        return pool;
    }

    /** The source attribute of the messages. */
    public String source() {
        return source;
    }

    /** An envelope of the latest version of {@code typeName} around {@code payload}, with this client's source. */
    public Envelope envelope(String typeName, Object payload, String subject) {
        return Envelope.builder()
                .messageType(catalog.get(typeName).latest())
                .source(source)
                .subject(subject)
                .data(mapper.valueToTree(payload))
                .build();
    }

    /**
     * Reads the data of an envelope of type {@code typeName} as {@code type}.
     *
     * @throws KafkaUtilityException if the envelope is of another type or its data does not map
     */
    public <T> T read(Envelope envelope, String typeName, Class<T> type) {
        if (!typeName.equals(envelope.type())) {
            throw new KafkaUtilityException("expected a " + typeName + " message but got " + envelope.type()
                    + " (id " + envelope.id() + ")");
        }
        try {
            return mapper.treeToValue(envelope.data(), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new KafkaUtilityException("cannot read " + typeName + " message " + envelope.id() + " as "
                    + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The catalog's topic for a message type name. */
    public String topicOf(String typeName) {
        return catalog.get(typeName).topic();
    }

    /**
     * Sends {@code payload} as the latest version of {@code typeName} to {@code topic}, keyed by the catalog's key field.
     * Validation failures and transport failures complete the future exceptionally; this method never throws.
     */
    public CompletableFuture<SendResult> publish(String topic, String typeName, Object payload) {
        try {
            if (closed.get()) {
                throw new KafkaUtilityException("client is closed");
            }
            MessageDefinition definition = catalog.get(typeName);
            MessageType type = definition.latest();
            JsonNode data = mapper.valueToTree(payload);
            String key = definition.keyOf(data).orElse(null);
            return producer.send(topic, key, type, data);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            producer.close();
            if (ownsPool) {
                pool.close();
            }
        }
    }
}
