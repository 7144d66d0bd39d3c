package io.kafkautility.client.llm;

/**
 * Token counts of one generation. Immutable.
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
