package io.kafkautility.message;

import io.kafkautility.internal.message.JacksonEnvelopeCodec;
import io.kafkautility.validation.MessageValidationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an {@link Envelope} as a CloudEvents 1.0 structured-mode JSON record value
 * ({@code application/cloudevents+json}) and reads it back, and derives the Kafka headers that let consumers route
 * and deduplicate without parsing the body ({@link io.kafkautility.MessageHeaders#MESSAGE_ID},
 * {@link io.kafkautility.MessageHeaders#MESSAGE_TYPE}, {@link io.kafkautility.MessageHeaders#CORRELATION_ID},
 * {@link io.kafkautility.MessageHeaders#CONTENT_TYPE}, {@link io.kafkautility.MessageHeaders#TRACEPARENT}).
 *
 * <p>Reading also accepts CloudEvents Kafka <em>binary</em> mode records ({@code ce_*} headers, the value is the data)
 * written by other CloudEvents SDKs.
 *
 * <p>Parsing is bounded by {@link JsonLimits} (Jackson {@code StreamReadConstraints}), rejects duplicate keys and
 * trailing content. The codec does no schema validation: consumers use
 * {@link io.kafkautility.validation.MessageValidator#decode(byte[], Map)}, which decodes and validates.
 *
 * <p>Thread-safe; create one per application (each instance owns its own {@code ObjectMapper}) and share it.
 * Holds no resources; nothing to close.
 */
public interface EnvelopeCodec {

    /** The record {@code content-type} header value written for structured mode. */
    String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    /** The media type of structured-mode JSON CloudEvents, without parameters. */
    String MEDIA_TYPE = "application/cloudevents+json";

    /** @return a codec with {@link JsonLimits#defaults()} */
    static EnvelopeCodec create() {
        return create(JsonLimits.defaults());
    }

    /**
     * @param limits parsing limits
     * @return a codec using these limits
     */
    static EnvelopeCodec create(JsonLimits limits) {
        return new JacksonEnvelopeCodec(Objects.requireNonNull(limits, "limits"));
    }

    /** @return the parsing limits of this codec */
    JsonLimits limits();

    /**
     * Serializes an envelope to the record value.
     *
     * @param envelope the envelope
     * @return UTF-8 JSON bytes
     * @throws io.kafkautility.KafkaUtilityException if the data cannot be written (e.g. nested deeper than Jackson allows)
     */
    byte[] encode(Envelope envelope);

    /**
     * Parses a structured-mode record value. Does not validate the data against its schema.
     *
     * @param value the record value
     * @return the envelope
     * @throws MessageValidationException with reason {@code INVALID_JSON}, {@code LIMITS_EXCEEDED} or
     *                                    {@code INVALID_ENVELOPE}; its message never contains the payload
     */
    Envelope decode(byte[] value);

    /**
     * Parses a record in structured mode, or in CloudEvents binary mode when the headers carry {@code ce_specversion};
     * checks that the {@code ku_id} / {@code ku_type} / {@code ku_correlationid} headers, when present, match the body.
     * Does not validate the data against its schema.
     *
     * @param value   the record value
     * @param headers the record headers as text (see {@link #headerMap(Headers)}); may be empty
     * @return the envelope
     * @throws MessageValidationException with reason {@code INVALID_JSON}, {@code LIMITS_EXCEEDED},
     *                                    {@code UNSUPPORTED_CONTENT_TYPE} or {@code INVALID_ENVELOPE}
     */
    Envelope decode(byte[] value, Map<String, String> headers);

    /**
     * The headers to put on the record of this envelope: {@code content-type}, {@code ku_id}, {@code ku_type}, and
     * {@code ku_correlationid} / {@code traceparent} when set.
     *
     * @param envelope the envelope
     * @return a new modifiable map, in a stable order
     */
    Map<String, String> headers(Envelope envelope);

    /**
     * Encodes an envelope in CloudEvents binary content mode: returns the data as the record value
     * ({@code application/json}) and writes the attributes into {@code headers} as {@code ce_*} headers, plus
     * {@code content-type: application/json} and the library's {@code ku_id} / {@code ku_type} (and correlation and
     * trace) headers. {@link #decode(byte[], Map)} reads it back.
     *
     * @param envelope the envelope
     * @param headers  the record's headers, written into (existing values of the same names replaced)
     * @return the record value
     * @throws io.kafkautility.KafkaUtilityException if the data cannot be written
     */
    byte[] encodeBinary(Envelope envelope, Headers headers);

    /**
     * Writes {@link #headers(Envelope)} into Kafka headers, replacing existing values of the same names.
     *
     * @param envelope the envelope
     * @param headers  the record's headers (e.g. {@code producerRecord.headers()})
     */
    default void writeHeaders(Envelope envelope, Headers headers) {
        Objects.requireNonNull(headers, "headers");
        headers(envelope).forEach((name, value) -> {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        });
    }

    /**
     * Kafka headers as text, for {@link #decode(byte[], Map)}: UTF-8 decoded; for a repeated name the last value
     * wins; null values are skipped.
     *
     * @param headers record headers; may be {@code null}
     * @return a new modifiable map
     */
    static Map<String, String> headerMap(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                if (h.value() != null) {
                    map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return map;
    }
}
