package io.kafkautility.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A WebSocket connection that records the frames "sent" to it; its send behaviour can be replaced. Public (in this
 * module's test jar) for the reliability suite. Thread-safe.
 */
public final class TestConnection implements WebSocketConnection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    public final ConcurrentLinkedQueue<JsonNode> frames = new ConcurrentLinkedQueue<>();
    public volatile boolean open = true;
    public volatile Function<String, CompletionStage<Void>> behaviour;

    public TestConnection(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
        Function<String, CompletionStage<Void>> b = behaviour;
        if (b != null) {
            return b.apply(text).thenRun(() -> frames.add(parse(text)));
        }
        frames.add(parse(text));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close(int code, String reason) {
        open = false;
    }

    public List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    public List<JsonNode> answers() {
        return frames.stream().filter(f -> "answer".equals(f.path("type").asText())).toList();
    }

    public List<JsonNode> errors() {
        return frames.stream().filter(f -> "error".equals(f.path("type").asText())).toList();
    }

    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
