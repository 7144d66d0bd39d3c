package io.kafkautility.consumer;

import io.kafkautility.KafkaUtilityException;

import java.util.List;

/** A consumer could not be created or stopped working. Carries the topics for context. */
public class ConsumerException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final List<String> topics;

    /**
     * @param message what went wrong (never a payload or secret)
     * @param topics  the consumer's topics
     * @param cause   the cause, may be null
     */
    public ConsumerException(String message, List<String> topics, Throwable cause) {
        super(message, cause);
        this.topics = topics == null ? List.of() : List.copyOf(topics);
    }

    /** @return the consumer's topics */
    public List<String> topics() {
        return topics;
    }
}
