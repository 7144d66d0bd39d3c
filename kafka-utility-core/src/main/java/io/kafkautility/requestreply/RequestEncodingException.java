package io.kafkautility.requestreply;

/**
 * The request codec could not encode the payload; nothing was sent and no entry is pending. Not retriable: the same
 * payload fails the same way. The payload is not part of the message.
 */
public class RequestEncodingException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    public RequestEncodingException(String correlationId, String topic, Throwable cause) {
        super("Request with correlation id " + correlationId + " for topic " + topic + " could not be encoded: "
                + cause, correlationId, topic, cause);
    }
}
