package io.kafkautility.client.llm;

/**
 * Where an {@link LlmRequestHandler} writes the answer's text as it is generated. When the request asked for a
 * stream, each {@link #emit} is published at once as a {@code rag.llm.response.chunk}; with
 * {@link LlmServiceKafkaClient.Builder#uiReplies(boolean)} on and a UI session in the request, each is also published
 * to the UI topic as a DELTA reply; otherwise emitted text is ignored and only the handler's returned
 * {@link LlmResponse} is sent. Used by the handler's thread only.
 *
 * <p>Cancellation: when the user stops the question ({@code rag.query.cancelled}), {@link #isCancelled()} turns true,
 * the handler's thread is interrupted and the next {@link #emit} throws {@link java.util.concurrent.CancellationException}:
 * a handler that emits as it generates stops by itself; one that works without emitting should check
 * {@link #isCancelled()} or react to the interrupt. Nothing more of a cancelled answer is published.
 */
public interface TokenStream {

    /** Publishes (when streaming) the next piece of the answer; empty strings are skipped. */
    void emit(String delta);

    /** Whether what is emitted goes anywhere (the requester asked for a stream, or the answer goes to a UI session). */
    boolean streaming();

    /** Whether the user cancelled the question: stop generating. */
    boolean isCancelled();
}
