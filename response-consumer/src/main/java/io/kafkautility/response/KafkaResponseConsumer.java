package io.kafkautility.response;

import io.kafkautility.response.internal.DefaultKafkaResponseConsumer;
import java.util.concurrent.CompletableFuture;

/**
 * Consumes the RAG system's replies ({@code respostas}, Confluent-framed Avro) and hands each decoded
 * {@link RagResponse} to a {@link ResponseListener} (normally a {@link WebSocketSessionManager}).
 *
 * <ul>
 *   <li>Runs on the library's consumer engine after {@link #start()}; {@link #close()} is graceful (finishes the
 *       current record, commits, leaves the group) and bounded by {@link ResponseConsumerOptions#stopTimeout()}.</li>
 *   <li>At-least-once: an offset is committed only after the listener returned for that record. The group starts at
 *       the latest offset ({@code auto.offset.reset=latest}: replies for sessions of an earlier run are useless), and
 *       that first position is committed at once, so a later rebalance (e.g. after a broker outage) resumes where the
 *       consumer was instead of jumping to the then-latest offset.</li>
 *   <li>Invalid records (null value, empty, wrong magic byte, truncated, unknown schema id, bytes that don't decode) are
 *       logged without their payload, counted by reason and skipped; the consumer never stalls.</li>
 *   <li>Registry unreachable is treated as transient: the record is retried with backoff for up to
 *       {@link ResponseConsumerOptions#registryRetryTimeout()} (schemas already fetched are cached, so only replies
 *       with a new schema id wait), then skipped and counted as {@code registry_unavailable}. If the consumer is
 *       stopped while waiting, the record is not committed and is read again by the next consumer of the group.</li>
 *   <li>Kafka errors thrown by poll or commit are logged and retried with exponential backoff; the Kafka client itself
 *       keeps reconnecting to unreachable brokers.</li>
 * </ul>
 *
 * <p>Thread-safe. The creator owns it and must {@link #close()} it. It does not close the listener.
 */
public interface KafkaResponseConsumer extends io.kafkautility.Lifecycle {

    /**
     * A consumer (not yet started) that hands replies to {@code listener}.
     *
     * @throws IllegalArgumentException if options are inconsistent
     */
    static KafkaResponseConsumer create(ResponseConsumerOptions options, ResponseListener listener) {
        return new DefaultKafkaResponseConsumer(options, listener);
    }

    /**
     * Starts the background threads; returns at once; again, does nothing.
     *
     * @throws IllegalStateException if it was closed
     */
    @Override
    KafkaResponseConsumer start();

    /**
     * Completes when partitions were first assigned to this consumer and their positions are known (from then on every
     * new reply is seen). Useful for readiness checks and tests, since the group starts at the latest offset.
     * Completes exceptionally if the consumer stops first.
     */
    @Override
    CompletableFuture<Void> ready();

    /** Whether it was started and is not closed. */
    @Override
    boolean isRunning();

    /**
     * Hands the replies of {@code sessionId} kept for the {@link ResponseConsumerOptions#resumeWindow()} to the
     * listener again ({@link ResponseListener#onReplay}), oldest first, on the worker between live replies, then tells
     * it {@link ResponseListener#replayDone}: for a session that reconnected, after its listener knows which question
     * it waits for and what it has seen (the session manager holds back live replies of a resumed question until then,
     * so a live one never overtakes the replay). Broadcast mode keeps the replies; the group mode keeps nothing
     * (completes with 0). Completes with the number handed over.
     */
    CompletableFuture<Integer> replay(String sessionId);

    /** Stops gracefully and waits up to the stop timeout. Idempotent. */
    @Override
    void close();

    /**
     * The consumer's health now, without I/O: DOWN before it is ready (assigned and positioned) or once stopped, else
     * UP; details hold the replies read. See {@link io.kafkautility.health.KafkaHealth}.
     */
    @Override
    io.kafkautility.health.Health health();
}
