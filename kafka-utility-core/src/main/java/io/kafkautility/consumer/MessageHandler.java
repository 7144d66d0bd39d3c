package io.kafkautility.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.Envelope;

import java.util.Objects;

/**
 * Processes one valid message of one type. Called on the consumer's worker thread (never its poll thread), one
 * message at a time, in partition order; it may block.
 *
 * <p>Returning normally marks the message processed: its offset may then be committed. Throwing retries it with
 * exponential backoff up to {@link ConsumerOptions#maxAttempts()}, then sends it to the dead-letter topic with reason
 * {@code HANDLER_FAILED}. Handlers must be idempotent or deduplicate by {@link Envelope#id()}: delivery is
 * at-least-once.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param message the validated envelope (its {@code data} matches the schema of its type and version)
     * @param context where it came from and which attempt this is
     * @throws Exception to have it retried, then dead-lettered
     */
    void handle(Envelope message, MessageContext context) throws Exception;

    /**
     * A typed handler: the envelope's {@code data} is converted with Jackson to {@code dataType} before the call. A
     * conversion failure is a {@link PayloadConversionException} naming the JSON path but no value, and counts as a
     * handler failure (retried, then dead-lettered with {@code HANDLER_FAILED}).
     *
     * @param mapper   the caller's shared {@link ObjectMapper} (thread-safe; build it once, never per message)
     * @param dataType the payload class, e.g. a record
     * @param handler  receives the converted payload
     * @param <T>      the payload type
     * @return a handler
     * @throws NullPointerException if an argument is null
     */
    static <T> MessageHandler typed(ObjectMapper mapper, Class<T> dataType, TypedHandler<T> handler) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(handler, "handler");
        return (message, context) -> {
            T data;
            try {
                data = mapper.treeToValue(message.data(), dataType);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new PayloadConversionException(message.id(), message.type(), dataType, path(e),
                        e.getClass().getSimpleName());
            }
            handler.handle(data, message, context);
        };
    }

    private static String path(Exception e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            b.append('/').append(r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex()));
        }
        return b.toString();
    }

    /**
     * The typed form of {@link MessageHandler}, see {@link #typed}. Same threading and failure rules.
     *
     * @param <T> the payload type
     */
    @FunctionalInterface
    interface TypedHandler<T> {
        /**
         * @param data    the converted payload
         * @param message the whole envelope (id, type, time, correlation id)
         * @param context where it came from and which attempt this is
         * @throws Exception to have it retried, then dead-lettered
         */
        void handle(T data, Envelope message, MessageContext context) throws Exception;
    }
}
