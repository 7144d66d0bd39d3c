package io.kafkautility.testkit;

/**
 * Thrown when the testkit cannot start, reach or manage a Kafka cluster or broker. Unchecked, so a test fails with a
 * message that says what was attempted.
 */
public class KafkaTestkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaTestkitException(String message) {
        super(message);
    }

    public KafkaTestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
