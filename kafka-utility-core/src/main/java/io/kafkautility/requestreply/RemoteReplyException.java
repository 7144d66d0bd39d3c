package io.kafkautility.requestreply;

/**
 * The responder answered with an error reply: its handler failed or rejected the request, or it could not decode the
 * request. The future fails with this as soon as the error reply arrives.
 *
 * <p>{@link #errorCode()} says what kind of failure ({@link RequestRejectedException#HANDLER_FAILED},
 * {@link RequestRejectedException#INVALID_REQUEST} or the code of a {@link RequestRejectedException} the handler threw),
 * {@link #remoteMessage()} the message the handler meant for the requester (empty otherwise), {@link #errorId()} the id
 * under which the responder logged the exception. The responder's exception text never travels.
 */
public class RemoteReplyException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final String remoteMessage;
    private final String errorId;

    public RemoteReplyException(String correlationId, String topic, String errorCode, String remoteMessage,
                                String errorId) {
        super("Responder failed request with correlation id " + correlationId + " (request topic " + topic + "): "
                + errorCode + (errorId == null ? "" : " (error id " + errorId + ")")
                + (remoteMessage == null || remoteMessage.isEmpty() ? "" : ": " + remoteMessage), correlationId, topic);
        this.errorCode = errorCode;
        this.remoteMessage = remoteMessage == null ? "" : remoteMessage;
        this.errorId = errorId;
    }

    /** @return the error code, e.g. {@code HANDLER_FAILED} */
    public String errorCode() {
        return errorCode;
    }

    /**
     * @return the error code
     * @deprecated the class of the responder's exception no longer travels; use {@link #errorCode()}
     */
    @Deprecated
    public String remoteErrorType() {
        return errorCode;
    }

    /** @return the message the handler meant for the requester, possibly truncated; empty if none */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** @return the id under which the responder logged the failure, or null if the reply had none */
    public String errorId() {
        return errorId;
    }
}
