package io.kafkautility.producer;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A record acknowledged by the broker (with the producer's {@code acks}, {@code all} by default). Immutable.
 */
public final class SendResult {

    private final String topic;
    private final int partition;
    private final long offset;
    private final Instant timestamp;
    private final String messageId;
    private final int attempts;

    /**
     * @param topic     topic written to
     * @param partition partition written to
     * @param offset    offset of the record
     * @param timestamp the record's timestamp (create or log-append time)
     * @param messageId the envelope's id, or {@code null} for a record without one
     * @param attempts  how many times the record was handed to the Kafka producer (1 unless retried)
     */
    public SendResult(String topic, int partition, long offset, Instant timestamp, String messageId, int attempts) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.messageId = messageId;
        this.attempts = attempts;
    }

    /** Topic written to. */
    public String topic() {
        return topic;
    }

    /** Partition written to. */
    public int partition() {
        return partition;
    }

    /** Offset of the record in its partition. */
    public long offset() {
        return offset;
    }

    /** The record's timestamp. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The envelope's id, if the record carried one. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** How many times the record was handed to the Kafka producer (more than 1 only after a safe retry). */
    public int attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "SendResult{" + topic + "-" + partition + "@" + offset + (messageId != null ? ", id=" + messageId : "")
                + (attempts > 1 ? ", attempts=" + attempts : "") + '}';
    }
}
