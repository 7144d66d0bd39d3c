package io.kafkautility.consumer;

import io.kafkautility.internal.consumer.DefaultMessageConsumer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An at-least-once consumer of enveloped JSON messages: its own poll thread reads bytes, the library decodes and
 * validates them (a poison pill never breaks {@code poll()}), a worker thread runs the {@link MessageHandler} of the
 * message's type, and only processed offsets are committed (the contiguous processed prefix of each partition;
 * synchronously on revoke and on close). Failed handlers are retried with bounded exponential backoff, then the
 * record goes to the dead-letter topic with {@code ku_dlt_*} headers (see {@link io.kafkautility.MessageHeaders});
 * invalid records go there at once. If the dead-letter publish fails, the record's offset is not committed and the
 * publish is retried with backoff. While work is queued beyond {@link ConsumerOptions#maxInFlight()} the partitions are
 * paused, and the poll loop keeps polling so the group never times out.
 *
 * <p>Thread-safe. The caller owns it and must {@link #close()} it: that finishes the in-flight record, commits and
 * leaves the group within {@link ConsumerOptions#shutdownTimeout()}, even when the broker is unreachable.
 */
public interface MessageConsumer extends AutoCloseable {

    /**
     * Creates and starts a consumer (subscribes on its own thread).
     *
     * @param options the options
     * @return a running consumer
     * @throws ConsumerException if the Kafka clients cannot be created (e.g. a bad Kafka property)
     */
    static MessageConsumer create(ConsumerOptions options) {
        return DefaultMessageConsumer.start(Objects.requireNonNull(options, "options"));
    }

    /** @return completes when partitions were first assigned; fails if the consumer stopped before */
    CompletableFuture<Void> assigned();

    /** @return whether the poll thread is running (false after close or a fatal stop) */
    boolean isRunning();

    /** Closes within {@link ConsumerOptions#shutdownTimeout()}. Idempotent. */
    @Override
    void close();

    /**
     * Stops polling, waits for the in-flight record (not the queued ones, which are redelivered later), commits what
     * was processed, and leaves the group, all within about {@code timeout}. Idempotent.
     *
     * @param timeout the bound; must not be negative
     */
    void close(Duration timeout);
}
