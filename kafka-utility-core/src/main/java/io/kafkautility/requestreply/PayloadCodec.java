package io.kafkautility.requestreply;

import java.nio.charset.StandardCharsets;
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
     * @param data the record value, never {@code null}
     * @return the payload
     */
    T decode(byte[] data);

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
