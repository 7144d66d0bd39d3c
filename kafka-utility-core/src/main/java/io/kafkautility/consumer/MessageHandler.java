package io.kafkautility.consumer;

import io.kafkautility.message.Envelope;

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
}
