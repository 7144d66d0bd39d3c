package io.kafkautility.requestreply;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a request came from, given to a responder's handler with the decoded payload. Immutable and thread-safe.
 */
public final class RequestContext {

    private final String correlationId;
    private final String topic;
    private final int partition;
    private final long offset;
    private final Instant deadline;

    public RequestContext(String correlationId, String topic, int partition, long offset, Instant deadline) {
        this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.deadline = deadline;
    }

    /** @return the request's correlation id (copied to every reply) */
    public String correlationId() {
        return correlationId;
    }

    /** @return the topic the request was consumed from */
    public String topic() {
        return topic;
    }

    /** @return the partition the request was consumed from */
    public int partition() {
        return partition;
    }

    /** @return the offset of the request record */
    public long offset() {
        return offset;
    }

    /** @return the instant after which the requester no longer waits, if the request carried one */
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadline);
    }

    @Override
    public String toString() {
        return "RequestContext{correlationId=" + correlationId + ", topic=" + topic + ", partition=" + partition
                + ", offset=" + offset + ", deadline=" + deadline + '}';
    }
}
