package io.kafkautility.response;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.response.internal.ChatWebSocketServlet;
import java.util.Objects;

/**
 * The browser side of a chat backend, the one part of the product that faces the internet: a servlet that checks each
 * WebSocket handshake and then speaks the chat protocol with the page, on a {@link WebSocketSessionManager}. Map it
 * where the page connects (e.g. {@code /chat}) in a servlet container with Jakarta WebSocket 2.1 (Jetty 12, Tomcat
 * 10.1, Undertow); it upgrades the connections itself.
 *
 * <p><b>Handshake</b> (before the upgrade): not a WebSocket upgrade gets 400; an {@code Origin} that is not allowed
 * ({@link SessionManagerOptions#allowedOrigins()}, by default the page's own) gets 403; a handshake the
 * {@link SessionManagerOptions#authenticator()} refuses gets 401. Nothing of the refusal's reason is sent.
 *
 * <p><b>Session</b>: the page's first frame is {@code {"type":"hello","token":<the token it kept, or null>}} (or it
 * offers the subprotocols {@value #SUBPROTOCOL} and {@value #TOKEN_SUBPROTOCOL_PREFIX}{@code <token>}, and the server
 * selects {@value #SUBPROTOCOL}); never a URL parameter. The server answers
 * {@code {"type":"session","token":...,"resumed":true|false,"tag":...}}: the token to keep (a fresh one unless the
 * presented one was valid for this principal), whether it is the session the token named, and the session's log tag.
 * A first frame that is not {@code hello} closes the connection ({@value #CLOSE_HELLO_EXPECTED}); a connection that
 * sends no {@code hello} within {@link SessionManagerOptions#helloTimeout()} is closed by the container's idle timeout
 * (Jetty: 1001).
 *
 * <p><b>Frames from the page</b> ({@link ChatHandler}): {@code ask}, {@code resume}, {@code cancel}. Anything else
 * (not JSON, an unknown {@code type}, a missing or malformed field, a second {@code hello}) gets
 * {@code {"type":"error","code":"BAD_FRAME","errorId":...}} and nothing else. More than
 * {@link SessionManagerOptions#maxFramesPerSecond()} frames a second are dropped ({@code RATE_LIMITED}, told once);
 * a connection that keeps at it is closed ({@value #CLOSE_RATE_LIMITED}). A frame over
 * {@link SessionManagerOptions#maxFrameBytes()} closes the connection (1009, by the container).
 *
 * <p><b>Close codes</b>: {@value #CLOSE_TAKEN_OVER} the session was opened by another connection with its token (here
 * or on another instance; the page should not reconnect), {@value #CLOSE_HELLO_EXPECTED} no hello first,
 * {@value #CLOSE_OTHER_PRINCIPAL} a token of another principal, {@value #CLOSE_RATE_LIMITED} too many frames, 1013
 * the instance holds {@link SessionManagerOptions#maxSessions()} sessions (try later).
 */
public final class ChatWebSocket {

    /** The session was opened by a newer connection with its token; this one gets nothing more. */
    public static final int CLOSE_TAKEN_OVER = 4001;
    /** The first frame was not {@code hello}, or none came in time. */
    public static final int CLOSE_HELLO_EXPECTED = 4002;
    /** The token presented belongs to another principal than the handshake's. */
    public static final int CLOSE_OTHER_PRINCIPAL = 4003;
    /** The connection kept sending more frames a second than allowed. */
    public static final int CLOSE_RATE_LIMITED = 4008;
    /** The subprotocol of this chat protocol, version 1. */
    public static final String SUBPROTOCOL = "kafka-utility.chat.v1";
    /** Prefix of the subprotocol entry that carries a session token, for clients that send it in the handshake. */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "kafka-utility.token.";

    private ChatWebSocket() {
    }

    /**
     * The servlet of the chat endpoint on {@code sessions}, handing understood frames to {@code handler}.
     *
     * @throws ConfigurationException if {@code sessions} has no {@link SessionManagerOptions#sessionKeys()} (set
     *                                {@value SessionKeys#ENV_KEY}, or {@link SessionKeys#generated()} for a demo)
     */
    public static jakarta.servlet.http.HttpServlet servlet(WebSocketSessionManager sessions, ChatHandler handler) {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(handler, "handler");
        if (sessions.options().sessionKeys() == null) {
            throw new ConfigurationException("the chat endpoint needs a session key that every instance shares: set "
                    + SessionKeys.ENV_KEY + " (at least " + SessionKeys.MIN_KEY_BYTES + " random bytes, base64) or "
                    + "SessionManagerOptions.Builder.sessionKeys(...); SessionKeys.generated() only for a demo");
        }
        return new ChatWebSocketServlet(sessions, handler);
    }
}
