package io.kafkautility.consumer.loop;

import io.kafkautility.health.Health;
import io.kafkautility.internal.loop.DefaultConsumerLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The one consumer engine under every consumer of the library ({@code MessageConsumer}, {@code Responder}, the
 * request-reply client's reply listener, {@code KafkaResponseConsumer}), public so that a service can put its own
 * sink on the same guarantees.
 *
 * <p>It owns a Kafka consumer on its own poll thread: creates it through the options' factory, subscribes (group
 * mode) or assigns (positions kept in memory), polls, hands every record to the {@link RecordSink}, pauses all
 * partitions while {@link ConsumerLoopOptions#maxInFlight()} records are unfinished and resumes after, and commits per
 * partition only the contiguous finished offsets: asynchronously while running (one commit in flight at a time),
 * synchronously on revoke, before a reconnect and on close. After any failure of the client (or a bug in a sink) it
 * waits with exponential backoff and recreates the client from the committed offsets: the poll thread never just
 * dies. A revoke, a reconnect and a close wait, within {@link ConsumerLoopOptions#closeTimeout()}, for the records
 * the sink started; after that no record starts any more (even if the sink's work ignores interrupts).
 *
 * <p>Thread-safe. The caller owns it: {@link #start()} once, {@link #close()} when done.
 */
public interface ConsumerLoop extends AutoCloseable {

    /** A loop with these options over {@code sink}; call {@link #start()} to begin. */
    static ConsumerLoop create(ConsumerLoopOptions options, RecordSink sink) {
        return new DefaultConsumerLoop(options, sink);
    }

    /** Starts the poll thread; again, does nothing; after close, {@link IllegalStateException}. */
    ConsumerLoop start();

    /**
     * Completes when the first client was assigned its partitions (and, in assign mode, positioned at their ends);
     * fails when the loop stopped before that. Once the loop is closed or stopped a failed future is returned.
     */
    CompletableFuture<Void> ready();

    /** Whether the loop has a client that is assigned now: false before, while it reconnects, and after close. */
    boolean isReady();

    /** Whether the poll thread was started and has not stopped. */
    boolean isRunning();

    /** Where the loop reads each assigned partition next (its first unfinished record, else its fetch position). */
    Map<org.apache.kafka.common.TopicPartition, Long> positions();

    /**
     * The loop's health as {@code component}: DOWN when not running, not assigned yet, not polling or without
     * heartbeats to its group coordinator; DEGRADED after a client failure in the last minute or with more than
     * {@code maxLag} records not finished on a partition. {@code details} are added to its own.
     */
    Health health(String component, long maxLag, Map<String, Object> details);

    /** Closes within {@link ConsumerLoopOptions#closeTimeout()}. */
    @Override
    void close();

    /** Stops handing out records, waits up to {@code timeout} for the started ones, commits and closes the client. */
    void close(Duration timeout);
}
