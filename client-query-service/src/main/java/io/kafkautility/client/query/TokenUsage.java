package io.kafkautility.client.query;

/**
 * Token counts of one generation. Immutable.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens their sum
 */
public record TokenUsage(int promptTokens, int completionTokens, int totalTokens) {
}
