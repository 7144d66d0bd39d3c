package io.kafkautility.examples;

import io.kafkautility.client.llm.LlmRequest;
import io.kafkautility.client.llm.LlmRequestHandler;
import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.TokenStream;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.rag.Source;
import io.kafkautility.rag.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deterministic stand-in for a language model that the examples and their tests use: it answers from the retrieved
 * chunks, emitting the answer word by word with {@code tokenTime} per word (so the chat page shows it grow), and stops
 * as soon as its question is cancelled (the emit throws, or the wait is interrupted). Thread-safe.
 */
public final class StandInLlm implements LlmRequestHandler {

    private final Duration tokenTime;
    private final Map<String, Long> stoppedAt = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<String> prompts = ConcurrentHashMap.newKeySet();

    public StandInLlm(Duration tokenTime) {
        this.tokenTime = tokenTime;
    }

    /** The answer it gives to {@code prompt} with {@code context}. */
    public static String answer(String prompt, List<ContextChunk> context) {
        return "About \"" + prompt + "\": " + context.stream().map(ContextChunk::text)
                .reduce("", (a, b) -> a + b + " ").trim();
    }

    @Override
    public LlmResponse handle(LlmRequest request, TokenStream tokens) {
        prompts.add(request.prompt());
        String answer = answer(request.prompt(), request.context());
        try {
            for (String word : answer.split("(?<= )")) {
                tokens.emit(word); // streamed as it is generated; throws once the user cancelled
                Thread.sleep(tokenTime.toMillis()); // the model's generation time; a cancellation interrupts it
            }
        } catch (InterruptedException | CancellationException e) {
            stoppedAt.put(request.queryId(), System.nanoTime());
            throw new CancellationException("stopped by the user");
        }
        completed.incrementAndGet();
        return new LlmResponse(request.requestId(), request.queryId(), answer,
                List.of(new Source("doc-kafka", null, "Kafka notes", 1.0)),
                TokenUsage.of(request.prompt().length() / 4, answer.length() / 4), "stop");
    }

    /** When ({@link System#nanoTime()}) it stopped generating the answer to {@code queryId}, if it was cancelled. */
    public Long stoppedAt(String queryId) {
        return stoppedAt.get(queryId);
    }

    /** Every prompt it was asked (distinct). */
    public java.util.Set<String> prompts() {
        return java.util.Set.copyOf(prompts);
    }

    /** Answers generated to the end. */
    public int completed() {
        return completed.get();
    }

    /** Answers stopped because their question was cancelled. */
    public int stopped() {
        return stoppedAt.size();
    }
}
