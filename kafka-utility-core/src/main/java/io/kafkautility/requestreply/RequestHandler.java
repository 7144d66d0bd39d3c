package io.kafkautility.requestreply;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Answers one request with one reply, for a {@link Responder}.
 *
 * <p>Called on the responder's poll thread, one request after the other: a handler that needs to wait (I/O, another
 * service) must return an incomplete {@link CompletionStage} and complete it elsewhere, never block. A thrown exception
 * or an exceptionally completed stage becomes an error reply ({@link RemoteReplyException} at the requester). A
 * {@code null} reply or stage is treated as a handler failure.
 *
 * @param <Q> request payload type
 * @param <R> reply payload type
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {

    /**
     * @param request the decoded request payload
     * @param context correlation id, source topic/partition/offset, deadline
     * @return the reply, possibly not yet complete
     * @throws Exception any failure, sent back as an error reply
     */
    CompletionStage<R> handle(Q request, RequestContext context) throws Exception;

    /**
     * A handler computing its reply synchronously on the poll thread; keep {@code function} fast and non-blocking.
     *
     * @param function request to reply
     * @param <Q>      request payload type
     * @param <R>      reply payload type
     * @return a handler
     */
    static <Q, R> RequestHandler<Q, R> sync(Function<? super Q, ? extends R> function) {
        Objects.requireNonNull(function, "function");
        return (request, context) -> CompletableFuture.completedFuture(function.apply(request));
    }
}
