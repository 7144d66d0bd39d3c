package io.kafkautility.rag;

/**
 * Token counts of one generation: what the LLM service reports and the query service reads. Immutable.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens their sum
 */
public record TokenUsage(int promptTokens, int completionTokens, int totalTokens) {

    /** Usage with the total computed. */
    public static TokenUsage of(int promptTokens, int completionTokens) {
        return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
