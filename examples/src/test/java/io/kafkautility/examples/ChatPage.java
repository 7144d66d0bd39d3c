package io.kafkautility.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the chat page's script does, for tests that run many pages: connects to a backend instance and says hello (with
 * its session token after the first time, never in the URL), asks, shows deltas once each in order, resumes after
 * reconnecting, stops. Records every frame. Thread-safe for what tests read.
 */
final class ChatPage implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String name;
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    /** Frames of the pending question that arrived after the page stopped it (must stay empty). */
    final List<JsonNode> afterStop = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile String token;
    /** Whether the last connect got back the session its token named. */
    volatile boolean resumed;
    /** The close code the backend closed the connection with (-1 while open or never closed by the backend). */
    volatile int closedWith = -1;
    volatile String questionId;
    volatile String stoppedQuestion;
    volatile int lastSeq = -1;
    volatile boolean seqGap;
    volatile String answer;
    private final StringBuilder text = new StringBuilder();

    ChatPage(String name) {
        this.name = name;
    }

    /** Connects to the backend on {@code port} (as the same session when it had one) and waits for its token. */
    ChatPage connect(int port) throws Exception {
        CompletableFuture<JsonNode> hello = new CompletableFuture<>();
        closedWith = -1;
        socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), new Listener(hello))
                .get(10, TimeUnit.SECONDS);
        send(JSON.writeValueAsString(JSON.createObjectNode().put("type", "hello").put("token", token)));
        JsonNode session = hello.get(10, TimeUnit.SECONDS);
        token = session.path("token").asText();
        NoSecretsInLogs.secret(token);
        resumed = session.path("resumed").asBoolean();
        return this;
    }

    String token() {
        return token;
    }

    /**
     * This page as the same page as {@code other} (its token and where it was in the stream): what a page that
     * reloads, or comes back over another network, starts from.
     */
    ChatPage as(ChatPage other) {
        synchronized (text) {
            token = other.token;
            questionId = other.questionId;
            lastSeq = other.lastSeq;
            text.setLength(0);
            text.append(other.text());
        }
        return this;
    }

    void ask(String id, String question) {
        synchronized (text) {
            questionId = id;
            lastSeq = -1;
            answer = null;
            text.setLength(0);
        }
        send("{\"type\":\"ask\",\"questionId\":\"" + id + "\",\"question\":\"" + question + "\"}");
    }

    /** After {@link #connect} to any instance: picks up the pending question from the last record shown. */
    void resume() {
        send("{\"type\":\"resume\",\"questionId\":\"" + questionId + "\",\"lastSeq\":" + lastSeq + "}");
    }

    void stop() {
        stoppedQuestion = questionId;
        send("{\"type\":\"cancel\",\"questionId\":\"" + questionId + "\"}");
    }

    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    private void send(String frame) {
        socket.sendText(frame, true).join();
    }

    /** Drops the connection (as a network blip or a dying backend would). */
    void disconnect() {
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    private void onFrame(JsonNode f) {
        frames.add(f);
        String type = f.path("type").asText();
        String q = f.path("questionId").asText(null);
        if (q != null && q.equals(stoppedQuestion) && !type.equals("cancelled")) {
            afterStop.add(f);
            return;
        }
        synchronized (text) {
            if (q == null || !q.equals(questionId)) {
                return;
            }
            if (type.equals("delta")) {
                int seq = f.path("seq").asInt();
                if (seq <= lastSeq) {
                    return; // shown before a reconnect
                }
                if (seq != lastSeq + 1) {
                    seqGap = true;
                }
                lastSeq = seq;
                text.append(f.path("text").asText());
            } else if (type.equals("answer")) {
                answer = f.path("answer").asText();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<JsonNode> hello;

        Listener(CompletableFuture<JsonNode> hello) {
            this.hello = hello;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            synchronized (partial) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode f = JSON.readTree(partial.toString());
                        if (f.path("type").asText().equals("session")) {
                            hello.complete(f);
                        } else {
                            onFrame(f);
                        }
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not JSON: " + partial, e);
                    }
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
