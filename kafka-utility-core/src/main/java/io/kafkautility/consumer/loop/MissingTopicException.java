package io.kafkautility.consumer.loop;

import io.kafkautility.KafkaUtilityException;

/**
 * A topic a consumer loop was to read does not exist (or is not known to the brokers yet: a topic just created may take
 * a moment). Thrown by {@link ConsumerLoopOptions#allPartitionsOf}; a sink's {@link RecordSink#onFailure} decides
 * whether to keep trying.
 */
public class MissingTopicException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public MissingTopicException(String topic) {
        super("topic " + topic + " does not exist");
        this.topic = topic;
    }

    /** The topic. */
    public String topic() {
        return topic;
    }
}
