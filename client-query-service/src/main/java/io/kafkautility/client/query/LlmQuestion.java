package io.kafkautility.client.query;

import io.kafkautility.rag.ContextChunk;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What the query service asks the LLM service ({@code rag.llm.request}). Immutable.
 *
 * @param requestId this request's id; a random one from {@link #of}
 * @param queryId the query it answers
 * @param sessionId the UI session; may be {@code null}
 * @param prompt the prompt
 * @param context the retrieved chunks (copied)
 */
public record LlmQuestion(String requestId, String queryId, String sessionId, String prompt,
                          List<ContextChunk> context) {

    public LlmQuestion {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(prompt, "prompt");
        context = context == null ? List.of() : List.copyOf(context);
    }

    /** A question with a random request id. */
    public static LlmQuestion of(String queryId, String sessionId, String prompt, List<ContextChunk> context) {
        return new LlmQuestion(UUID.randomUUID().toString(), queryId, sessionId, prompt, context);
    }
}
