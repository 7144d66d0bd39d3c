package io.kafkautility.response.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.response.ChatHandler;
import io.kafkautility.response.ChatWebSocket;
import io.kafkautility.response.JakartaWebSocketConnection;
import io.kafkautility.response.WebSocketConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.kafkautility.response.WebSocketSessionManager.SessionGrant;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One page's connection to the chat endpoint (see {@link ChatWebSocket} for the protocol): waits for {@code hello},
 * opens the session, then hands each understood frame under the rate to the {@link ChatHandler}. Frames of one
 * connection arrive one at a time on the container's thread; the grant is published to the close callback.
 */
public final class ChatEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(ChatEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Question ids from a page: letters, digits and {@code ._:-}, 1 to 64. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final WebSocketSessionManager sessions;
    private final ChatHandler handler;
    private final String principal;
    private final String handshakeToken;
    private volatile Session session;
    private volatile WebSocketConnection connection;
    private volatile SessionGrant grant;

    ChatEndpoint(WebSocketSessionManager sessions, ChatHandler handler, String principal, String handshakeToken) {
        this.sessions = sessions;
        this.handler = handler;
        this.principal = principal;
        this.handshakeToken = handshakeToken;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.session = session;
        this.connection = JakartaWebSocketConnection.of(session);
        session.setMaxTextMessageBufferSize(sessions.options().maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(1024);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
        if (handshakeToken != null) {
            openSession(handshakeToken);
        } else {
            session.setMaxIdleTimeout(sessions.options().helloTimeout().toMillis()); // until its hello
        }
    }

    private void onText(String text) {
        SessionGrant g = grant;
        if (g == null) {
            JsonNode hello = parse(text);
            if (hello == null || !"hello".equals(type(hello)) || !(hello.path("token").isTextual()
                    || hello.path("token").isNull() || hello.path("token").isMissingNode())) {
                refusedBeforeSession();
                close(ChatWebSocket.CLOSE_HELLO_EXPECTED, "hello expected");
                return;
            }
            openSession(hello.path("token").isTextual() ? hello.get("token").asText() : null);
            return;
        }
        if (sessions.admitFrame(g) != WebSocketSessionManager.FrameAdmission.ADMITTED) {
            return;
        }
        JsonNode frame = parse(text);
        if (frame == null) {
            sessions.refuseFrame(g, "not a JSON object");
            return;
        }
        String type = type(frame);
        try {
            switch (type == null ? "" : type) {
                case "ask" -> {
                    JsonNode q = frame.path("question");
                    String questionId = optionalId(frame);
                    if (!q.isTextual() || q.asText().isBlank() || questionId == null) {
                        sessions.refuseFrame(g, "ask without a question or with a bad question id");
                        return;
                    }
                    handler.ask(g, questionId.isEmpty() ? "q-" + UUID.randomUUID() : questionId, q.asText());
                }
                case "resume" -> {
                    String questionId = requiredId(frame);
                    JsonNode lastSeq = frame.path("lastSeq");
                    if (questionId == null || !(lastSeq.isMissingNode() || lastSeq.canConvertToInt()
                            && lastSeq.isIntegralNumber() && lastSeq.asInt() >= -1)) {
                        sessions.refuseFrame(g, "resume without a question id or with a bad lastSeq");
                        return;
                    }
                    handler.resume(g, questionId, lastSeq.isMissingNode() ? -1 : lastSeq.asInt());
                }
                case "cancel" -> {
                    String questionId = requiredId(frame);
                    if (questionId == null) {
                        sessions.refuseFrame(g, "cancel without a question id");
                        return;
                    }
                    handler.cancel(g, questionId);
                }
                default -> sessions.refuseFrame(g, type == null ? "a frame without a type"
                        : "a frame of an unknown type" + ("hello".equals(type) ? " (a second hello)" : ""));
            }
        } catch (RuntimeException e) {
            String errorId = Ids.errorId();
            log.error("The chat handler failed on a {} frame of session {} (error id {})", type, g.tag(), errorId, e);
            if (sessions instanceof DefaultWebSocketSessionManager d) {
                d.sendInternalError(g, errorId);
            }
        }
    }

    private void openSession(String token) {
        SessionGrant g;
        try {
            g = sessions.open(connection, token, principal);
        } catch (KafkaUtilityException e) {
            log.warn("No session for a new connection: {}", e.getMessage());
            close(CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), "too many sessions");
            return;
        } catch (IllegalStateException e) {
            close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "shutting down");
            return;
        }
        if (g.outcome() == SessionGrant.Outcome.REFUSED) {
            close(ChatWebSocket.CLOSE_OTHER_PRINCIPAL, "session of another principal");
            return;
        }
        ObjectNode frame = JSON.createObjectNode();
        frame.put("type", "session");
        frame.put("token", g.token());
        frame.put("resumed", g.outcome() == SessionGrant.Outcome.RESUMED);
        frame.put("tag", g.tag());
        try {
            // before the page has its token it can ask nothing, so nothing else is sending on it yet
            session.getBasicRemote().sendText(JSON.writeValueAsString(frame));
        } catch (IOException e) {
            log.debug("Connection of session {} closed before its session frame was sent", g.tag());
            sessions.unregister(g.connection());
            return;
        }
        session.setMaxIdleTimeout(0);
        grant = g;
        if (!session.isOpen()) { // closed while the frame was sent: onClose may have run before the grant was set
            sessions.unregister(g.connection());
        }
    }

    private void refusedBeforeSession() {
        if (sessions instanceof DefaultWebSocketSessionManager d) {
            d.countRefusedFrame("hello_expected");
        }
        log.debug("Connection closed: its first frame was not hello (counted: frames.refused{reason=hello_expected})");
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String type(JsonNode frame) {
        JsonNode t = frame.get("type");
        return t != null && t.isTextual() ? t.asText() : null;
    }

    /** The frame's question id; "" when it has none; null when it is not a safe id. */
    private static String optionalId(JsonNode frame) {
        JsonNode id = frame.get("questionId");
        if (id == null || id.isNull()) {
            return "";
        }
        return id.isTextual() && SAFE_ID.matcher(id.asText()).matches() ? id.asText() : null;
    }

    private static String requiredId(JsonNode frame) {
        String id = optionalId(frame);
        return id == null || id.isEmpty() ? null : id;
    }

    private void close(int code, String reason) {
        WebSocketConnection c = connection;
        if (c != null) {
            c.close(code, reason);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        SessionGrant g = grant;
        if (g != null) {
            sessions.unregister(g.connection());
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        SessionGrant g = grant;
        log.debug("Chat connection of session {} failed: {}", g == null ? "-" : g.tag(), error.getClass().getName());
    }
}
