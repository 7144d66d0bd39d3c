package io.kafkautility.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.client.TypedPublisher;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageType;
import io.kafkautility.validation.MessageValidator;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A payload record of one message type as a Kafka {@link Serde}: the serializer wraps each payload into a fresh
 * envelope of {@code type} (new id, {@code source}, the current time) and writes it as {@link EnvelopeSerde} does; the
 * deserializer validates the envelope and reads its data as {@code T} (the same JSON mapping the typed clients use).
 * A record of another type fails with {@link SerializationException}. Thread-safe.
 *
 * @param <T> the payload type, e.g. the document client's {@code DocumentProcessedEvent}
 */
public final class TypedEnvelopeSerde<T> implements Serde<T> {

    private final MessageType type;
    private final Class<T> payloadType;
    private final String source;
    private final ObjectMapper mapper = TypedPublisher.newMapper();
    private final EnvelopeSerde envelopes;

    private TypedEnvelopeSerde(MessageType type, Class<T> payloadType, String source, MessageValidator validator) {
        this.type = Objects.requireNonNull(type, "type");
        this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank but was '" + source + "'");
        }
        this.source = source;
        this.envelopes = new EnvelopeSerde(validator);
    }

    /**
     * @param type        the message type every record has
     * @param payloadType the payload record class
     * @param source      the CloudEvents {@code source} of what this serde writes (the service's name)
     */
    public static <T> TypedEnvelopeSerde<T> of(MessageType type, Class<T> payloadType, String source) {
        return new TypedEnvelopeSerde<>(type, payloadType, source, MessageValidator.create());
    }

    /** As {@link #of(MessageType, Class, String)}, validating with {@code validator}. */
    public static <T> TypedEnvelopeSerde<T> of(MessageType type, Class<T> payloadType, String source,
                                               MessageValidator validator) {
        return new TypedEnvelopeSerde<>(type, payloadType, source, Objects.requireNonNull(validator, "validator"));
    }

    @Override
    public Serializer<T> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T payload) {
                return serialize(topic, null, payload);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T payload) {
                if (payload == null) {
                    return null;
                }
                JsonNode data;
                try {
                    data = mapper.valueToTree(payload);
                } catch (IllegalArgumentException e) {
                    throw new SerializationException("Payload " + payloadType.getSimpleName() + " cannot be written"
                            + " as JSON: " + e.getClass().getSimpleName(), e);
                }
                Envelope envelope = Envelope.builder().messageType(type).source(source).data(data).build();
                return envelopes.serializer().serialize(topic, headers, envelope);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] bytes) {
                return deserialize(topic, null, bytes);
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] bytes) {
                Envelope envelope = envelopes.deserializer().deserialize(topic, headers, bytes);
                if (envelope == null) {
                    return null;
                }
                if (!type.name().equals(envelope.type())) {
                    throw new SerializationException("Record of topic " + topic + " has type " + envelope.type()
                            + ", not " + type.name());
                }
                try {
                    return mapper.treeToValue(envelope.data(), payloadType);
                } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                    throw new SerializationException("Data of message " + envelope.id() + " is not a "
                            + payloadType.getSimpleName() + ": " + e.getClass().getSimpleName(), e);
                }
            }
        };
    }
}
