package io.kafkautility.requestreply;

import io.kafkautility.internal.requestreply.DefaultRequestReplyClient;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The requesting side of request-reply over Kafka: send a request, get a {@link CompletableFuture} of the reply (or a
 * {@link Flow.Publisher} of reply chunks).
 *
 * <p>Each request carries headers {@code ku_correlationid}, {@code ku_replyto}, {@code ku_deadline} and, on a shared
 * reply topic, {@code ku_replypartition}; the request codec also receives the correlation id (for an envelope).
 * Replies are read by one consumer per client that is {@code assign()}ed its reply partitions (no consumer group).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>No reply is missed at start: requests made before the reply consumer is assigned and positioned are queued
 *       (without blocking the caller) and sent once it is; if that takes longer than
 *       {@link RequestReplyOptions#startupTimeout()} they fail with {@link RequestSendException}. {@link #ready()}
 *       tells when it is ready.</li>
 *   <li>The pending entry is registered before the send; the pending map is bounded
 *       ({@link PendingLimitExceededException}); lookups are O(1); one timer thread serves all timeouts.</li>
 *   <li>Every returned future completes: with the reply, {@link RemoteReplyException} (error reply, at once),
 *       {@link RequestTimeoutException}, {@link RequestSendException}, {@link ReplyDecodingException} or
 *       {@link RequestReplyClosedException} on {@link #close()}.</li>
 *   <li>Late, duplicate and unknown-correlation replies are dropped, counted and logged at debug level.</li>
 *   <li>The library never re-sends a request.</li>
 * </ul>
 *
 * <p>Threads: futures are completed on the client's completion executor
 * ({@link RequestReplyOptions#completionExecutor()}; by default threads of its own), never on the reply consumer's
 * loop or a Kafka I/O thread, so a dependent stage that blocks delays no other reply; immediate rejections complete
 * on the caller's thread. Thread-safe; {@code request} never blocks (except producer back-pressure when the producer's
 * {@code buffer.memory} is full, bounded by {@code max.block.ms}).
 *
 * <p>The client owns its reply consumer, timer thread, its producer unless one was given, and a generated reply topic
 * (deleted on close): always close it.
 *
 * @param <Q> request payload type
 * @param <R> reply payload type
 */
public interface RequestReplyClient<Q, R> extends io.kafkautility.Lifecycle {

    /**
     * Creates a client and starts its reply consumer (asynchronously: this call does not wait for the broker).
     *
     * @param options settings
     * @param <Q>     request payload type
     * @param <R>     reply payload type
     * @return the client
     */
    static <Q, R> RequestReplyClient<Q, R> create(RequestReplyOptions<Q, R> options) {
        return DefaultRequestReplyClient.create(options);
    }

    /**
     * Sends a request and waits {@link RequestReplyOptions#defaultTimeout()} for its reply.
     *
     * @param payload the request, not {@code null}
     * @return the reply future
     */
    CompletableFuture<R> request(Q payload);

    /**
     * Sends a request and waits {@code timeout} for its reply.
     *
     * @param payload the request, not {@code null}
     * @param timeout how long to wait, {@code > 0}; also sent as the request's deadline
     * @return the reply future
     */
    CompletableFuture<R> request(Q payload, Duration timeout);

    /**
     * A cold publisher of a streamed reply: the request is sent when a subscriber subscribes (one subscriber only).
     * Chunks are delivered in sequence order without duplicates, honouring the subscriber's demand; up to
     * {@link RequestReplyOptions#streamBufferSize()} chunks are buffered, beyond that the stream fails with
     * {@link StreamOverflowException} (chunks are never dropped silently). Idle and overall timeouts from the options
     * apply. Signals arrive on the reply thread, the timer thread or the thread calling {@code request(n)}, never
     * concurrently; a subscriber must not block in them (hand slow work to an executor). Cancelling removes the
     * pending entry; chunks arriving later are counted as late.
     *
     * @param payload the request, not {@code null}
     * @return the publisher
     */
    Flow.Publisher<R> requestStream(Q payload);

    /**
     * Like {@link #requestStream(Object)} with explicit timeouts.
     *
     * @param payload        the request, not {@code null}
     * @param idleTimeout    longest gap between chunks, and from sending the request (once the reply consumer is
     *                       ready) to the first chunk, {@code > 0}
     * @param overallTimeout longest whole stream, {@code >= idleTimeout}; also the request's deadline
     * @return the publisher
     */
    Flow.Publisher<R> requestStream(Q payload, Duration idleTimeout, Duration overallTimeout);

    /**
     * @return completes when the reply consumer is assigned and positioned; fails if it cannot start within
     *         {@link RequestReplyOptions#startupTimeout()} (the client is then unusable: every request fails with
     *         {@link RequestSendException}; close it and create a new one)
     */
    @Override
    CompletableFuture<Void> ready();

    /** The client is started by {@code create}: this does nothing but return it. */
    @Override
    RequestReplyClient<Q, R> start();

    /** Whether it is running (from {@code create} until {@link #close()}). */
    @Override
    boolean isRunning();

    /**
     * The client's health now, without I/O: DOWN when closed, when its reply consumer could not start or is not
     * positioned yet or reconnecting; DEGRADED within 60 s of a reply consumer failure; details hold the pending
     * requests and the reply topic.
     */
    @Override
    io.kafkautility.health.Health health();

    /** @return number of requests and streams waiting for replies */
    int pendingCount();

    /** @return the reply topic this client reads */
    String replyTopic();

    /** @return the reply partition on a shared reply topic, empty otherwise */
    OptionalInt replyPartition();

    /**
     * Fails every pending future and stream with {@link RequestReplyClosedException}, stops the reply consumer, and
     * closes what the client owns. Idempotent.
     */
    @Override
    void close();
}
