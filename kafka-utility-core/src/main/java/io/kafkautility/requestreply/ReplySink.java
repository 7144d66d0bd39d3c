package io.kafkautility.requestreply;

import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link StreamingRequestHandler} writes the chunks of one streamed reply.
 *
 * <p>Each call sends one record to the requester's reply topic with the correlation id, a sequence number (from 0)
 * and, for the last one, the final marker. Calls must not be made concurrently (one writer per stream); the sink is
 * safe to hand from one thread to another. After {@link #complete()}, {@link #complete(Object)} or
 * {@link #fail(Throwable)} further calls fail with {@link IllegalStateException}. The returned futures complete when Kafka acknowledged the
 * chunk; they are never completed on the caller's thread with a blocking wait. The request's offset is committed only
 * after the stream was ended and every chunk was acknowledged.
 *
 * @param <R> reply chunk type
 */
public interface ReplySink<R> {

    /**
     * Sends a partial reply.
     *
     * @param chunk the chunk, not {@code null}
     * @return completes when the broker acknowledged the chunk
     */
    CompletableFuture<Void> next(R chunk);

    /**
     * Sends the last chunk, carrying a payload.
     *
     * @param lastChunk the final chunk, not {@code null}
     * @return completes when the broker acknowledged it
     */
    CompletableFuture<Void> complete(R lastChunk);

    /**
     * Ends the stream without a further payload.
     *
     * @return completes when the broker acknowledged the end marker
     */
    CompletableFuture<Void> complete();

    /**
     * Ends the stream with an error reply; the requester's stream fails with {@link RemoteReplyException}.
     *
     * @param error the failure (only its class name and message are sent)
     * @return completes when the broker acknowledged the error reply
     */
    CompletableFuture<Void> fail(Throwable error);

    /** @return whether the stream has been ended */
    boolean isDone();
}
