package io.kafkautility.requestreply;

/**
 * The request could not be handed to Kafka (the producer failed the send, or the reply consumer could not be
 * started). The library never re-sends: after a producer error the request may or may not have reached the broker.
 */
public class RequestSendException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    public RequestSendException(String message, String correlationId, String topic, Throwable cause) {
        super(message, correlationId, topic, cause);
    }
}
