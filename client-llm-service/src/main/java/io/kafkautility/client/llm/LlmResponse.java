package io.kafkautility.client.llm;

import io.kafkautility.rag.Source;
import io.kafkautility.rag.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * A whole answer ({@code rag.llm.response}). Immutable.
 *
 * @param requestId the request it answers
 * @param queryId the query it answers
 * @param answer the answer text
 * @param sources cited documents (copied)
 * @param usage token counts
 * @param finishReason why generation stopped: {@code stop}, {@code length}, {@code content_filter}, {@code error}
 *     or {@code cancelled}
 */
public record LlmResponse(String requestId, String queryId, String answer, List<Source> sources, TokenUsage usage,
                          String finishReason) {

    public LlmResponse {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(finishReason, "finishReason");
        sources = sources == null ? List.of() : List.copyOf(sources);
    }
}
