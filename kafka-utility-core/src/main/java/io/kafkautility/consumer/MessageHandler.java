package io.kafkautility.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.Envelope;

import java.util.Objects;

/**
 * Processes one valid message of one type. Runs on the consumer's worker thread (never the poll thread), one record
 * at a time. Returning normally means processed: the offset may then be committed. Throwing means failed: the record
 * is retried with backoff ({@link ConsumerOptions#maxAttempts()}) and then dead-lettered. Must be idempotent or
 * tolerate redelivery (at-least-once), e.g. by using {@link Envelope#id()}.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param envelope the decoded, schema-valid message
     * @param context  where the record came from and which attempt this is
     * @throws Exception any failure; retried, then dead-lettered
     */
    void handle(Envelope envelope, MessageContext context) throws Exception;

    /**
     * A typed handler: the envelope's {@code data} is converted with Jackson to {@code dataType} before the call.
     * A conversion failure counts as a handler failure (retried, then dead-lettered).
     *
     * @param mapper   the caller's shared {@link ObjectMapper} (thread-safe, built once)
     * @param dataType the payload class
     * @param handler  receives the converted payload
     * @param <T>      payload type
     * @return a handler
     */
    static <T> MessageHandler typed(ObjectMapper mapper, Class<T> dataType, TypedHandler<T> handler) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(handler, "handler");
        return (envelope, context) -> handler.handle(mapper.treeToValue(envelope.data(), dataType), envelope, context);
    }

    /**
     * The typed form of {@link MessageHandler}.
     *
     * @param <T> payload type
     */
    @FunctionalInterface
    interface TypedHandler<T> {
        /**
         * @param data     the converted payload
         * @param envelope the whole envelope (id, type, time, correlation id)
         * @param context  record coordinates and attempt
         * @throws Exception any failure; retried, then dead-lettered
         */
        void handle(T data, Envelope envelope, MessageContext context) throws Exception;
    }
}
