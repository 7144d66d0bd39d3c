package io.kafkautility.serde;

import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@link Envelope} as a Kafka {@link Serde}: the serializer validates the envelope's data against its type's
 * schema and writes the structured-mode CloudEvents JSON the library's producer writes, plus its headers
 * ({@code content-type}, {@code ku_id}, {@code ku_type}, correlation and trace) when given the record's headers; the
 * deserializer reads structured or binary mode and validates like the library's consumer. Invalid input fails with
 * Kafka's {@link SerializationException} (so Kafka Streams' and Connect's error handlers see it), caused by the
 * library's {@code MessageValidationException} with its reason and violations; messages never hold the payload.
 * A {@code null} value (tombstone) maps to {@code null} both ways.
 *
 * <p>Thread-safe; the validator (compiled schemas) is built once per serde. Kafka creates one through the no-argument
 * constructor when it is named by class ({@code value.serializer=io.kafkautility.serde.EnvelopeSerde$EnvelopeSerializer}).
 */
public final class EnvelopeSerde implements Serde<Envelope> {

    private final EnvelopeSerializer serializer;
    private final EnvelopeDeserializer deserializer;

    /** A serde validating against the standard catalog. */
    public EnvelopeSerde() {
        this(MessageValidator.create());
    }

    /** A serde validating with {@code validator} (its catalog and JSON limits). */
    public EnvelopeSerde(MessageValidator validator) {
        Objects.requireNonNull(validator, "validator");
        this.serializer = new EnvelopeSerializer(validator);
        this.deserializer = new EnvelopeDeserializer(validator);
    }

    @Override
    public Serializer<Envelope> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return deserializer;
    }

    /** The serializer; see {@link EnvelopeSerde}. */
    public static final class EnvelopeSerializer implements Serializer<Envelope> {
        private final MessageValidator validator;

        public EnvelopeSerializer() {
            this(MessageValidator.create());
        }

        public EnvelopeSerializer(MessageValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
        }

        @Override
        public byte[] serialize(String topic, Envelope envelope) {
            if (envelope == null) {
                return null;
            }
            try {
                return validator.encodeValid(envelope);
            } catch (RuntimeException e) {
                throw new SerializationException("Envelope of type " + envelope.type() + " for topic " + topic
                        + " is not valid: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] serialize(String topic, Headers headers, Envelope envelope) {
            byte[] value = serialize(topic, envelope);
            if (envelope != null && headers != null) {
                validator.codec().writeHeaders(envelope, headers);
            }
            return value;
        }
    }

    /** The deserializer; see {@link EnvelopeSerde}. */
    public static final class EnvelopeDeserializer implements Deserializer<Envelope> {
        private final MessageValidator validator;

        public EnvelopeDeserializer() {
            this(MessageValidator.create());
        }

        public EnvelopeDeserializer(MessageValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
        }

        @Override
        public Envelope deserialize(String topic, byte[] data) {
            return deserialize(topic, null, data);
        }

        @Override
        public Envelope deserialize(String topic, Headers headers, byte[] data) {
            if (data == null) {
                return null;
            }
            DecodeResult result = validator.decode(data, EnvelopeCodec.headerMap(headers));
            if (!result.isValid()) {
                throw new SerializationException("Record of topic " + topic + " is not a valid message: "
                        + result.reason().map(Enum::name).orElse("INVALID") + ": " + result.message().orElse(""),
                        result.failure().orElse(null));
            }
            return result.envelope();
        }
    }
}
