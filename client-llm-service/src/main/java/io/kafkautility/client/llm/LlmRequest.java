package io.kafkautility.client.llm;

import io.kafkautility.rag.ContextChunk;
import java.util.List;

/**
 * A request for an answer ({@code rag.llm.request}), as the LLM service receives it. Immutable.
 *
 * @param requestId the request's id
 * @param queryId the query it answers
 * @param sessionId the UI session; may be {@code null}
 * @param prompt the prompt; may be {@code null} when the request carries chat messages instead
 * @param context the retrieved chunks
 * @param stream whether the requester wants the answer streamed as chunks
 */
public record LlmRequest(String requestId, String queryId, String sessionId, String prompt,
                         List<ContextChunk> context, boolean stream) {

    public LlmRequest {
        context = context == null ? List.of() : List.copyOf(context);
    }
}
