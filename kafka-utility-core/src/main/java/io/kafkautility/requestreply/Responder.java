package io.kafkautility.requestreply;

import io.kafkautility.internal.requestreply.DefaultResponder;

import java.util.concurrent.CompletableFuture;

/**
 * The answering side of request-reply: consumes requests (as a consumer-group member), runs a handler and sends each
 * reply to the request's {@code ku_replyto} topic (and {@code ku_replypartition} if present) with the correlation id
 * copied.
 *
 * <ul>
 *   <li>A handler exception (or failed stage) becomes an error reply ({@code ku_replyerror=true}) with a code
 *       ({@code HANDLER_FAILED}, or the code and public message of a {@link RequestRejectedException}) and an error
 *       id, which fails the requester's future at once; the exception's text is logged here under that id, never
 *       sent.</li>
 *   <li>A request whose {@code ku_deadline} has passed is not processed (counted as {@code expired}, debug log); its
 *       offset advances.</li>
 *   <li>A request that cannot be answered (correlation id or reply-to missing or malformed, a negative reply
 *       partition, a reply topic not allowed by {@link ResponderOptions#isReplyTopicAllowed}, a reply topic or
 *       partition that does not exist) is dead-lettered with the reason in {@code ku_dlt_reason}, counted, logged at
 *       warn without payload; nothing blocks the poll thread and the partition goes on.</li>
 *   <li>A failure of the Kafka consumer (or a bug) never ends the poll thread: the consumer is recreated with
 *       backoff (100 ms doubling to 10 s) and rejoins its group.</li>
 *   <li>At-least-once: an offset is committed only after every record before it was answered and the broker
 *       acknowledged the reply; after a crash requests may be answered twice (the requester drops the duplicate).</li>
 * </ul>
 *
 * <p>Threads: one poll thread per responder, which also runs the handler; the producer's I/O thread completes sends.
 * The responder starts consuming when created and owns its consumer (and its producer unless one was given): close it.
 * Thread-safe.
 *
 * @param <Q> request payload type
 * @param <R> reply payload type
 */
public interface Responder<Q, R> extends io.kafkautility.Lifecycle {

    /**
     * Starts a responder answering each request with one reply.
     *
     * @param options settings
     * @param handler computes replies
     * @param <Q>     request payload type
     * @param <R>     reply payload type
     * @return the running responder
     */
    static <Q, R> Responder<Q, R> create(ResponderOptions<Q, R> options, RequestHandler<Q, R> handler) {
        return DefaultResponder.single(options, handler);
    }

    /**
     * Starts a responder answering each request with a stream of chunks.
     *
     * @param options settings
     * @param handler writes chunks to a {@link ReplySink}
     * @param <Q>     request payload type
     * @param <R>     reply chunk type
     * @return the running responder
     */
    static <Q, R> Responder<Q, R> createStreaming(ResponderOptions<Q, R> options,
                                                  StreamingRequestHandler<Q, R> handler) {
        return DefaultResponder.streaming(options, handler);
    }

    /**
     * @return completes once the consumer has been assigned partitions for the first time; a failed future once the
     * responder is closed
     */
    @Override
    CompletableFuture<Void> ready();

    /** The responder is started by {@code create}: this does nothing but return it. */
    @Override
    Responder<Q, R> start();

    /** Whether it is running (from {@code create} until {@link #close()}). */
    @Override
    boolean isRunning();

    /** @return requests being handled or whose replies are not yet acknowledged */
    int inFlight();

    /**
     * The responder's health now, without I/O: DOWN when closed, not assigned yet, reconnecting, not polling or
     * without heartbeats to its group coordinator; DEGRADED within 60 s of a client failure; details hold the
     * requests in flight. See {@link io.kafkautility.health.KafkaHealth}.
     */
    @Override
    io.kafkautility.health.Health health();

    /**
     * Stops consuming, waits up to {@link ResponderOptions#closeTimeout()} for in-flight replies, commits what was
     * answered and closes the clients it owns. Idempotent.
     */
    @Override
    void close();
}
