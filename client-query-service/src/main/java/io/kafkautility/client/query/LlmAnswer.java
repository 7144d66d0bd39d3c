package io.kafkautility.client.query;

import io.kafkautility.rag.Source;
import io.kafkautility.rag.TokenUsage;
import java.util.List;

/**
 * The LLM service's whole answer ({@code rag.llm.response}). Immutable.
 *
 * @param requestId the request it answers
 * @param queryId the query it answers
 * @param answer the answer text
 * @param sources the cited documents
 * @param usage token counts
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...)
 */
public record LlmAnswer(String requestId, String queryId, String answer, List<Source> sources, TokenUsage usage,
                        String finishReason) {

    public LlmAnswer {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }
}
