package io.kafkautility.requestreply;

/**
 * Answers one request with a stream of chunks (for example LLM tokens), for a {@link Responder}.
 *
 * <p>Called on the responder's poll thread; it must return quickly and may write to the {@link ReplySink} from any
 * thread afterwards (one writer at a time). The stream must eventually be ended with {@code complete} or {@code fail}:
 * the request's offset is committed only then. A thrown exception ends the stream with an error reply (if it was not
 * already ended).
 *
 * @param <Q> request payload type
 * @param <R> reply chunk type
 */
@FunctionalInterface
public interface StreamingRequestHandler<Q, R> {

    /**
     * @param request the decoded request payload
     * @param sink    where to write the chunks
     * @param context correlation id, source topic/partition/offset, deadline
     * @throws Exception any failure, sent back as an error reply
     */
    void handle(Q request, ReplySink<R> sink, RequestContext context) throws Exception;
}
