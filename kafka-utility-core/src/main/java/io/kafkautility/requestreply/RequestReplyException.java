package io.kafkautility.requestreply;

import io.kafkautility.KafkaUtilityException;

/**
 * Base of every failure a request-reply future or stream completes with.
 *
 * <p>Carries the correlation id of the request and the topic involved (the request topic, or the reply topic where
 * that is what failed). Messages never contain payloads. Immutable and thread-safe.
 */
public class RequestReplyException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final String correlationId;
    private final String topic;

    public RequestReplyException(String message, String correlationId, String topic) {
        this(message, correlationId, topic, null);
    }

    public RequestReplyException(String message, String correlationId, String topic, Throwable cause) {
        super(message, cause);
        this.correlationId = correlationId;
        this.topic = topic;
    }

    /** @return the request's correlation id, or {@code null} if the failure happened before one was assigned */
    public String correlationId() {
        return correlationId;
    }

    /** @return the topic the failure concerns (request or reply topic), or {@code null} if none */
    public String topic() {
        return topic;
    }
}
