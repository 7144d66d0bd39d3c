package io.kafkautility.consumer;

import io.kafkautility.KafkaUtilityException;

/**
 * A typed handler ({@link MessageHandler#typed}) could not convert a message's {@code data} to its payload class. The
 * message names the message id, type, target class and the JSON path, never a payload value; Jackson's own exception
 * (which quotes values) is deliberately not attached. Not retryable by default ({@link ConsumerOptions#DEFAULT_NO_RETRY}): dead-lettered at once with reason {@code
 * NON_RETRYABLE}.
 */
public class PayloadConversionException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final String messageId;
    private final String path;

    /**
     * @param messageId the envelope id
     * @param type      the envelope type
     * @param target    the payload class
     * @param path      the JSON path of the failing property (e.g. {@code /chunks/3/text}), or {@code /}
     * @param problem   the simple class name of the conversion error
     */
    public PayloadConversionException(String messageId, String type, Class<?> target, String path, String problem) {
        super("data of message " + messageId + " (" + type + ") does not convert to " + target.getName() + " at "
                + path + " (" + problem + ")");
        this.messageId = messageId;
        this.path = path;
    }

    /** @return the envelope id of the message that failed to convert */
    public String messageId() {
        return messageId;
    }

    /** @return the JSON path of the property that failed to convert */
    public String path() {
        return path;
    }
}
