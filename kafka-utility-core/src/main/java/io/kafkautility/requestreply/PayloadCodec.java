package io.kafkautility.requestreply;

import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns request and reply payloads into record values and back.
 *
 * <p>The request-reply client uses one codec for requests (encode) and one for replies (decode); the responder the
 * other way round. {@link #encode(Object, String)} receives the correlation id so an envelope codec can put it in the
 * envelope's correlation extension as well as the header the library always writes.
 *
 * <p>Implementations must be thread-safe and should be cheap (they run on the caller's thread for requests and on the
 * reply thread for replies). Exceptions thrown by {@code encode} fail the request future at once (nothing is sent);
 * exceptions thrown by {@code decode} fail the matching future with {@link ReplyDecodingException} (client) or turn
 * into an error reply (responder).
 *
 * @param <T> the payload type
 */
public interface PayloadCodec<T> {

    /**
     * @param value         the payload, never {@code null}
     * @param correlationId the correlation id of the request this record belongs to
     * @return the record value
     */
    byte[] encode(T value, String correlationId);

    /**
     * Encodes and may add headers of its own to the record (an envelope codec writes {@code content-type},
     * {@code ku_id}, {@code ku_type}). The library writes its request-reply headers after this call, so they win.
     * By default delegates to {@link #encode(Object, String)}.
     *
     * @param value         the payload, never {@code null}
     * @param correlationId the correlation id of the request this record belongs to
     * @param headers       the record's headers, to add to
     * @return the record value
     */
    default byte[] encode(T value, String correlationId, Headers headers) {
        return encode(value, correlationId);
    }

    /**
     * @param data the record value, never {@code null}
     * @return the payload
     */
    T decode(byte[] data);

    /**
     * CloudEvents envelopes written and read by {@code codec}. The correlation id of the request is set as the
     * envelope's {@code correlationid} extension (replacing any other), and the envelope headers are added to the
     * record. No schema validation: see {@link #validatedEnvelopes(MessageValidator)}.
     *
     * @param codec the envelope codec (shared, caller-owned)
     * @return a codec
     */
    static PayloadCodec<Envelope> envelopes(EnvelopeCodec codec) {
        Objects.requireNonNull(codec, "codec");
        return new PayloadCodec<>() {
            @Override
            public byte[] encode(Envelope value, String correlationId) {
                return codec.encode(withCorrelationId(value, correlationId));
            }

            @Override
            public byte[] encode(Envelope value, String correlationId, Headers headers) {
                Envelope e = withCorrelationId(value, correlationId);
                codec.writeHeaders(e, headers);
                return codec.encode(e);
            }

            @Override
            public Envelope decode(byte[] data) {
                return codec.decode(data);
            }
        };
    }

    /**
     * Like {@link #envelopes(EnvelopeCodec)}, but every envelope is validated against its schema when encoded
     * ({@link MessageValidator#encodeValid}) and decoded ({@link MessageValidator#decode}); an invalid one fails
     * with the validator's {@code MessageValidationException} (a request is then not sent, a reply fails its future,
     * a request at the responder gets an error reply).
     *
     * @param validator the validator (shared, caller-owned)
     * @return a codec
     */
    static PayloadCodec<Envelope> validatedEnvelopes(MessageValidator validator) {
        Objects.requireNonNull(validator, "validator");
        return new PayloadCodec<>() {
            @Override
            public byte[] encode(Envelope value, String correlationId) {
                return validator.encodeValid(withCorrelationId(value, correlationId));
            }

            @Override
            public byte[] encode(Envelope value, String correlationId, Headers headers) {
                Envelope e = withCorrelationId(value, correlationId);
                byte[] bytes = validator.encodeValid(e);
                validator.codec().writeHeaders(e, headers);
                return bytes;
            }

            @Override
            public Envelope decode(byte[] data) {
                DecodeResult result = validator.decode(data, Map.of());
                if (!result.isValid()) {
                    throw result.failure().orElseThrow();
                }
                return result.envelope();
            }
        };
    }

    private static Envelope withCorrelationId(Envelope envelope, String correlationId) {
        Objects.requireNonNull(envelope, "envelope");
        return envelope.correlationId().filter(correlationId::equals).isPresent() ? envelope
                : envelope.toBuilder().correlationId(correlationId).build();
    }

    /** @return a codec passing byte arrays through unchanged */
    static PayloadCodec<byte[]> bytes() {
        return of(b -> b, b -> b);
    }

    /** @return a codec for UTF-8 strings */
    static PayloadCodec<String> utf8() {
        return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
    }

    /**
     * A codec from two functions that ignore the correlation id.
     *
     * @param encoder payload to bytes
     * @param decoder bytes to payload
     * @param <T>     the payload type
     * @return a codec
     */
    static <T> PayloadCodec<T> of(Function<? super T, byte[]> encoder, Function<byte[], ? extends T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new PayloadCodec<>() {
            @Override
            public byte[] encode(T value, String correlationId) {
                return encoder.apply(value);
            }

            @Override
            public T decode(byte[] data) {
                return decoder.apply(data);
            }
        };
    }
}
