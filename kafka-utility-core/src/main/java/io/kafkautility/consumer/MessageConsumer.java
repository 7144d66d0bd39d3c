package io.kafkautility.consumer;

import io.kafkautility.internal.consumer.ConcurrentMessageConsumer;
import io.kafkautility.internal.consumer.DefaultMessageConsumer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A resilient, at-least-once consumer of enveloped messages.
 *
 * <p>Its own poll thread reads bytes; a worker thread decodes and validates each record in the library (a poison
 * pill never breaks {@code poll()}) and calls the {@link MessageHandler} of its type. Only processed offsets are
 * committed (the contiguous processed prefix of each partition; synchronously on rebalance and close). A failing
 * handler is retried with bounded exponential backoff while the partitions are paused (the group membership is kept),
 * then the record goes to the dead-letter topic with reason headers; invalid records go there at once. If publishing
 * to the dead-letter topic fails, the record's offset is not committed and the publish is retried; a record too
 * large for the dead-letter topic is sent without its foreign headers, then without key and value (header
 * {@code ku_dlt_truncated}; the {@code ku_dlt_original_*} headers point at the complete record). After fatal client
 * errors the Kafka consumer is recreated with backoff, and the
 * {@link ConsumerOptions#errorListener() error listener} is told (with a {@link ConsumerException} naming the
 * cause). Payloads are never logged.
 *
 * <p>With {@link ConsumerOptions#concurrency() concurrency} {@code n > 1} it runs {@code n} members of the group,
 * each with its own Kafka consumer, poll thread and worker (named {@code <name>-<i>}), sharing one pool: a record
 * being handled or retried then holds up only the partitions of its member, while each partition is still handled
 * in order by one member at a time.
 *
 * <p>Thread-safe. The caller owns it: {@link #start()} once, {@link #close()} when done.
 */
public interface MessageConsumer extends io.kafkautility.Lifecycle {

    /** A consumer with these options; call {@link #start()} to begin. */
    static MessageConsumer create(ConsumerOptions options) {
        return options.concurrency() == 1 ? new DefaultMessageConsumer(options)
                : new ConcurrentMessageConsumer(options);
    }

    /** Starts the poll and worker threads; again, does nothing. */
    @Override
    MessageConsumer start();

    /**
     * Completes when the consumer (any member) first gets partitions assigned; fails if it is closed first, or with a
     * {@link ConsumerException} when authentication or authorization fails before that (the consumer keeps retrying
     * with backoff; every failure also goes to {@link ConsumerOptions#errorListener()}, which is told before this
     * fails). With
     * {@link ConsumerOptions#concurrency()} above 1 the other members may still be joining: the group rebalances as
     * each joins, which is harmless for processing (nothing is lost or skipped) but means that right after this
     * completes one member may hold all the partitions for a moment.
     */
    @Override
    CompletableFuture<Void> ready();

    /** Whether it is started and not closed. */
    @Override
    boolean isRunning();

    /** Records processed or dead-lettered so far (offsets that may be committed), by all members. */
    long completedCount();

    /**
     * The consumer's health now, without I/O: DOWN when not started, closed, not assigned yet, when its poll thread
     * has not polled for 10 s, or when its client has had no heartbeat from its group coordinator for 9 s (broker out
     * of reach); DEGRADED when its most lagging partition has more than {@link ConsumerOptions#healthMaxLag()} records
     * to read, or within 60 s of a client failure; else UP. Details hold the assigned partitions, last poll, lag and
     * heartbeat age. See {@link io.kafkautility.health.KafkaHealth}.
     */
    @Override
    io.kafkautility.health.Health health();

    /**
     * Stops gracefully within {@link ConsumerOptions#closeTimeout()}: finishes the in-flight record, commits what was
     * processed, leaves the group. Bounded in time even when the brokers are gone. Idempotent.
     */
    @Override
    void close();

    /** {@link #close()} within {@code timeout}. */
    void close(Duration timeout);
}
