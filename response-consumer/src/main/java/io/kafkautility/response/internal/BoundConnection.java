package io.kafkautility.response.internal;

import io.kafkautility.response.WebSocketConnection;
import java.util.concurrent.CompletionStage;

/** A browser's connection under the session id the server issued or checked for it (not the container's id). */
final class BoundConnection implements WebSocketConnection {

    private final String sessionId;
    private final WebSocketConnection delegate;

    BoundConnection(String sessionId, WebSocketConnection delegate) {
        this.sessionId = sessionId;
        this.delegate = delegate;
    }

    @Override
    public String id() {
        return sessionId;
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
        return delegate.sendText(text);
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close(int code, String reason) {
        delegate.close(code, reason);
    }

    @Override
    public String toString() {
        return "BoundConnection{" + delegate + "}";
    }
}
