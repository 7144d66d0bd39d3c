package io.kafkautility.requestreply;

/**
 * The responder answered with an error reply: its handler failed (or it could not decode the request). The future
 * fails with this as soon as the error reply arrives.
 *
 * <p>{@link #remoteErrorType()} is the responder-side exception class name, {@link #remoteMessage()} its message
 * (truncated by the responder, never containing the request payload).
 */
public class RemoteReplyException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    private final String remoteErrorType;
    private final String remoteMessage;

    public RemoteReplyException(String correlationId, String topic, String remoteErrorType, String remoteMessage) {
        super("Responder failed request with correlation id " + correlationId + " (request topic " + topic + "): "
                + remoteErrorType + ": " + remoteMessage, correlationId, topic);
        this.remoteErrorType = remoteErrorType;
        this.remoteMessage = remoteMessage;
    }

    /** @return the class name of the exception the responder's handler threw */
    public String remoteErrorType() {
        return remoteErrorType;
    }

    /** @return the message of the responder's exception, possibly truncated; may be empty */
    public String remoteMessage() {
        return remoteMessage;
    }
}
