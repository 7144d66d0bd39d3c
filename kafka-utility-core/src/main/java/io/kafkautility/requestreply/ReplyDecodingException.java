package io.kafkautility.requestreply;

/**
 * A reply (or reply chunk) arrived for a pending request but its bytes could not be decoded by the reply codec.
 * The future fails at once; the payload is not part of the message.
 */
public class ReplyDecodingException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    public ReplyDecodingException(String correlationId, String topic, Throwable cause) {
        super("Reply for correlation id " + correlationId + " on reply topic " + topic + " could not be decoded: "
                + cause, correlationId, topic, cause);
    }
}
