package io.kafkautility.response;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a Jakarta WebSocket {@link Session} to {@link WebSocketConnection}, sending through its asynchronous remote
 * endpoint (never blocking the caller). Requires the Jakarta WebSocket API (provided by the servlet container).
 * Thread-safe as far as the container's session is.
 */
public final class JakartaWebSocketConnection implements WebSocketConnection {
    private static final Logger log = LoggerFactory.getLogger(JakartaWebSocketConnection.class);

    private final Session session;
    private final String id;

    private JakartaWebSocketConnection(Session session, String id) {
        this.session = Objects.requireNonNull(session, "session");
        this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * The connection of {@code session}; its id is {@link Session#getId()}. (A browser's chat session is not named by
     * the page: {@link WebSocketSessionManager#open} issues or checks it, and {@link ChatWebSocket} does that for you.)
     */
    public static WebSocketConnection of(Session session) {
        return new JakartaWebSocketConnection(session, session.getId());
    }


    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            session.getAsyncRemote().sendText(text, sent -> {
                if (sent.isOK()) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(sent.getException());
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close(int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            log.debug("Closing WebSocket connection {} failed: {}", session.getId(), e.getClass().getName());
        }
    }

    @Override
    public String toString() {
        return "JakartaWebSocketConnection{" + session.getId() + "}";
    }
}
