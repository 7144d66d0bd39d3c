package io.kafkautility.response;

import java.util.concurrent.CompletionStage;

/**
 * The little {@link WebSocketSessionManager} needs from a WebSocket: an id, an asynchronous text send and a close.
 * {@link JakartaWebSocketConnection} adapts {@code jakarta.websocket.Session} (Jetty, Tomcat, Undertow, Tyrus);
 * implement it yourself for other servers.
 *
 * <p>{@link #sendText(String)} must not block: it starts the send and returns a stage completed when the frame was
 * written (or failed). The manager never calls it concurrently for one connection (sends are serialized per session)
 * and applies its own send timeout.
 */
public interface WebSocketConnection {

    /** A stable id, unique among open connections (e.g. the container's session id). */
    String id();

    /** Starts sending one text frame; the stage completes when it was sent, exceptionally when it failed. */
    CompletionStage<Void> sendText(String text);

    /** Whether the connection is still open. */
    boolean isOpen();

    /** Closes the connection with a WebSocket close code and reason; never throws. */
    void close(int code, String reason);
}
