package io.kafkautility.client.llm;

/**
 * Where an {@link LlmRequestHandler} writes the answer's text as it is generated. When the request asked for a
 * stream, each {@link #emit} is published at once as a {@code rag.llm.response.chunk}; otherwise emitted text is
 * ignored and only the handler's returned {@link LlmResponse} is sent. Used by the handler's thread only.
 */
public interface TokenStream {

    /** Publishes (when streaming) the next piece of the answer; empty strings are skipped. */
    void emit(String delta);

    /** Whether the requester asked for a streamed answer. */
    boolean streaming();
}
