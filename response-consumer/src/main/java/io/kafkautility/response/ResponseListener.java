package io.kafkautility.response;

import java.time.Instant;

/**
 * Receives each decoded reply from {@link KafkaResponseConsumer}. {@link WebSocketSessionManager} is the usual one.
 *
 * <p>Called on the consumer's poll thread, one reply at a time: it must hand the reply off and return at once (never
 * block, never send on a socket here). The record's offset is committed after this method returns, so a reply is
 * handed off at least once. A listener that throws is logged and counted ({@code reason=listener_failed}); the record
 * is then skipped, the consumer keeps going.
 */
@FunctionalInterface
public interface ResponseListener {

    /**
     * @param response       the decoded reply
     * @param kafkaTimestamp the Kafka record's timestamp (start of the Kafka-to-WebSocket latency)
     */
    void onResponse(RagResponse response, Instant kafkaTimestamp);

    /**
     * Whether replies of {@code sessionId} are wanted here (in {@link ResponseConsumerOptions.Mode#BROADCAST}, every
     * instance reads every reply and decodes only those of the sessions it holds, telling them by the record key).
     * Called on the consumer's worker thread; must be cheap. By default every session is wanted.
     */
    default boolean holds(String sessionId) {
        return true;
    }

    /**
     * A reply handed over again by {@link KafkaResponseConsumer#replay} (on the consumer's worker, in order, between
     * live ones). By default the same as {@link #onResponse}.
     */
    default void onReplay(RagResponse response, Instant kafkaTimestamp) {
        onResponse(response, kafkaTimestamp);
    }

    /** {@link KafkaResponseConsumer#replay} of {@code sessionId} is done: what follows is live. By default nothing. */
    default void replayDone(String sessionId) {
    }
}
