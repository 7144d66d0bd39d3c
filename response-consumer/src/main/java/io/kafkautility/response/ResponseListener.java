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
}
