package io.kafkautility.producer;

/**
 * The circuit breaker of the cluster connection is open: the message was not handed to Kafka at all
 * ({@link DeliveryState#NOT_SENT}), so the caller may safely try again later. Never dropped, never dead-lettered by the
 * library: the caller decides.
 */
public class CircuitOpenException extends SendException {

    private static final long serialVersionUID = 1L;

    private final String breakerName;

    /**
     * @param topic       the destination topic
     * @param messageId   the message id, or {@code null}
     * @param breakerName the name of the open breaker
     */
    public CircuitOpenException(String topic, String messageId, String breakerName) {
        super(topic, messageId, SendFailureReason.CIRCUIT_OPEN, DeliveryState.NOT_SENT, 0,
                "circuit breaker '" + breakerName + "' is open; the cluster is considered unavailable", null);
        this.breakerName = breakerName;
    }

    /** The name of the breaker that rejected the call. */
    public String breakerName() {
        return breakerName;
    }
}
