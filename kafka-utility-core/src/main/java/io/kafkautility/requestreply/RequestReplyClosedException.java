package io.kafkautility.requestreply;

/**
 * The client (or responder) was closed: pending requests are failed with this on {@code close()}, and new requests
 * are rejected with it. Not retriable on the same instance.
 */
public class RequestReplyClosedException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    public RequestReplyClosedException(String correlationId, String topic) {
        super(correlationId == null
                ? "Request-reply client for topic " + topic + " is closed"
                : "Request-reply client for topic " + topic + " closed while correlation id " + correlationId
                        + " was pending", correlationId, topic);
    }
}
