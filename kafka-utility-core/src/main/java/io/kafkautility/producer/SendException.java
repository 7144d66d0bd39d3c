package io.kafkautility.producer;

import io.kafkautility.KafkaUtilityException;
import java.util.Optional;

/**
 * A send failed. The future returned by {@link MessageProducer} completes exceptionally with this type (or with
 * {@link io.kafkautility.validation.MessageValidationException} for an invalid message).
 *
 * <p>{@link #deliveryState()} says whether the record can have reached the broker; {@link #isRetriable()} is true only
 * when it certainly did not and the cause is transient. The message names topic, message id and reason; never the
 * payload or a secret.
 */
public class SendException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String messageId;
    private final SendFailureReason reason;
    private final DeliveryState deliveryState;
    private final int attempts;

    /**
     * @param topic         the destination topic
     * @param messageId     the message id, or {@code null} for a record without one
     * @param reason        the bounded reason code
     * @param deliveryState whether the record can have been written
     * @param attempts      how many times the record was handed to the Kafka producer (0 if never)
     * @param detail        a safe description
     * @param cause         the Kafka exception, or {@code null}
     */
    public SendException(String topic, String messageId, SendFailureReason reason, DeliveryState deliveryState,
                         int attempts, String detail, Throwable cause) {
        super("send to '" + topic + "'" + (messageId != null ? " id=" + messageId : "") + " failed (" + reason + ", "
                + deliveryState + (attempts > 1 ? ", " + attempts + " attempts" : "") + "): " + detail, cause);
        this.topic = topic;
        this.messageId = messageId;
        this.reason = reason;
        this.deliveryState = deliveryState;
        this.attempts = attempts;
    }

    /** The destination topic. */
    public String topic() {
        return topic;
    }

    /** The message id, if the record had one. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** The bounded reason code. */
    public SendFailureReason reason() {
        return reason;
    }

    /** Whether the record can have reached the broker. */
    public DeliveryState deliveryState() {
        return deliveryState;
    }

    /** How many times the record was handed to the Kafka producer (0 if never, e.g. breaker open). */
    public int attempts() {
        return attempts;
    }

    /** True when the record certainly did not reach the broker and the reason is transient. */
    @Override
    public boolean isRetriable() {
        return deliveryState == DeliveryState.NOT_SENT && reason.isTransport();
    }
}
