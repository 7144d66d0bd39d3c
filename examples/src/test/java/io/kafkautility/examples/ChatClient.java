package io.kafkautility.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket client of the chat endpoint, as a hostile page (or a script) would drive it: any headers, any
 * frames, in any order. Records every frame and the close code. Thread-safe for what tests read.
 */
final class ChatClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private ChatClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Opens a connection to {@code /chat} on {@code port} with these handshake headers (and subprotocols). */
    static ChatClient open(int port, Map<String, String> headers, String... subprotocols) throws Exception {
        CompletableFuture<ChatClient> self = new CompletableFuture<>();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        Listener listener = new Listener(self);
        WebSocket socket = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), listener)
                .get(10, TimeUnit.SECONDS);
        ChatClient client = new ChatClient(socket);
        self.complete(client);
        return client;
    }

    static ChatClient open(int port) throws Exception {
        return open(port, Map.of());
    }

    /** Says hello with {@code token} (null for none) and returns the session frame. */
    JsonNode hello(String token) throws Exception {
        int before = of("session").size();
        send(JSON.writeValueAsString(JSON.createObjectNode().put("type", "hello").put("token", token)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> of("session").size() > before
                || closed.isDone());
        JsonNode session = of("session").isEmpty() ? null : of("session").get(of("session").size() - 1);
        if (session != null) {
            NoSecretsInLogs.secret(session.path("token").asText());
        }
        return session;
    }

    void ask(String questionId, String question) {
        send("{\"type\":\"ask\",\"questionId\":\"" + questionId + "\",\"question\":\"" + question + "\"}");
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends without waiting for the previous send (a flood). */
    CompletableFuture<WebSocket> sendAsync(String text) {
        return socket.sendText(text, true);
    }

    List<JsonNode> of(String type) {
        return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** Frames that carry {@code questionId}. */
    List<JsonNode> of(String type, String questionId) {
        return of(type).stream().filter(f -> questionId.equals(f.path("questionId").asText())).toList();
    }

    /** The subprotocol the backend selected ("" for none). */
    String subprotocol() {
        return socket.getSubprotocol();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final CompletableFuture<ChatClient> self;

        Listener(CompletableFuture<ChatClient> self) {
            this.self = self;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            ChatClient c = self.join();
            synchronized (c.partial) {
                c.partial.append(data);
                if (last) {
                    try {
                        c.frames.add(JSON.readTree(c.partial.toString()));
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not JSON: " + c.partial, e);
                    }
                    c.partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            self.join().closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            self.thenAccept(c -> c.closed.complete(-1));
        }
    }
}
