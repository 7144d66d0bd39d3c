package io.kafkautility.client.llm;

import java.util.concurrent.CompletableFuture;

/**
 * A running {@link LlmRequestHandler} subscription, from {@link LlmServiceKafkaClient#serve}. Thread-safe.
 * {@link #close()} stops consuming, lets in-flight requests finish within the close timeout, and commits.
 */
public interface LlmServer extends AutoCloseable {

    /** Completes once the request consumer has its partitions (requests sent from then on are served). */
    CompletableFuture<Void> ready();

    /**
     * Requests being handled now, counting each until the broker has acknowledged its reply; a requester may
     * already have read a reply whose request is still counted here.
     */
    int inFlight();

    /** The health of its responder (request consumer positioned, in flight, recent failures). No I/O. */
    io.kafkautility.health.Health health();

    /** Stops serving. Idempotent; bounded in time. */
    @Override
    void close();
}
