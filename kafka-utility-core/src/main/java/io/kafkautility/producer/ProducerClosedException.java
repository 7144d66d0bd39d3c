package io.kafkautility.producer;

/** The {@link MessageProducer} (or its {@link KafkaClientPool}) was closed before the message could be handed to Kafka. */
public class ProducerClosedException extends SendException {

    private static final long serialVersionUID = 1L;

    /**
     * @param topic     the destination topic
     * @param messageId the message id, or {@code null}
     */
    public ProducerClosedException(String topic, String messageId) {
        super(topic, messageId, SendFailureReason.CLOSED, DeliveryState.NOT_SENT, 0, "the producer is closed", null);
    }
}
