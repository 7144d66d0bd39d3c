package io.kafkautility.response.internal;

import io.kafkautility.response.ChatHandler;
import io.kafkautility.response.ChatWebSocket;
import io.kafkautility.response.Handshake;
import io.kafkautility.response.WebSocketSessionManager;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChatWebSocket#servlet}: checks the handshake (origin, authenticator) before the upgrade, then upgrades
 * through the container's Jakarta WebSocket {@link ServerContainer} to a {@link ChatEndpoint} of its own.
 */
public final class ChatWebSocketServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ChatWebSocketServlet.class);

    private final transient WebSocketSessionManager sessions;
    private final transient ChatHandler handler;

    public ChatWebSocketServlet(WebSocketSessionManager sessions, ChatHandler handler) {
        this.sessions = sessions;
        this.handler = handler;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            resp.sendError(400, "WebSocket upgrade expected");
            return;
        }
        WebSocketSessionManager.HandshakeCheck check = sessions.checkHandshake(new ServletHandshake(req));
        if (!check.admitted()) {
            resp.sendError(check.status());
            return;
        }
        ServerContainer container = (ServerContainer) req.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        if (container == null) {
            log.error("No Jakarta WebSocket container in this servlet context: configure one (Jetty: "
                    + "JakartaWebSocketServletContainerInitializer.configure) before mapping the chat endpoint");
            resp.sendError(500);
            return;
        }
        String token = null;
        boolean offersProtocol = false;
        for (String protocol : subprotocols(req)) {
            if (protocol.equals(ChatWebSocket.SUBPROTOCOL)) {
                offersProtocol = true;
            } else if (protocol.startsWith(ChatWebSocket.TOKEN_SUBPROTOCOL_PREFIX)) {
                token = protocol.substring(ChatWebSocket.TOKEN_SUBPROTOCOL_PREFIX.length());
            }
        }
        if (token != null && !offersProtocol) {
            resp.sendError(400, "offer " + ChatWebSocket.SUBPROTOCOL + " with the token");
            return;
        }
        String principal = check.principal();
        String presented = token;
        String path = req.getServletPath() == null || req.getServletPath().isEmpty() ? "/" : req.getServletPath();
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(ChatEndpoint.class, path)
                .subprotocols(List.of(ChatWebSocket.SUBPROTOCOL))
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return true; // checked above, with the Host the default needs
                    }

                    @Override
                    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
                        return requested.contains(ChatWebSocket.SUBPROTOCOL) ? ChatWebSocket.SUBPROTOCOL : "";
                    }

                    @Override
                    public List<Extension> getNegotiatedExtensions(List<Extension> installed,
                                                                   List<Extension> requested) {
                        return List.of();
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request,
                                                HandshakeResponse response) {
                        // nothing: the token never goes back in a header
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new ChatEndpoint(sessions, handler, principal, presented));
                    }
                }).build();
        try {
            container.upgradeHttpToWebSocket(req, resp, config, Map.of());
        } catch (DeploymentException e) {
            log.error("Upgrading a chat connection failed: {}", e.toString());
            if (!resp.isCommitted()) {
                resp.sendError(500);
            }
        }
    }

    private static List<String> subprotocols(HttpServletRequest req) {
        List<String> all = new ArrayList<>();
        for (String header : Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String p : header.split(",")) {
                String v = p.trim();
                if (!v.isEmpty() && all.size() < 8) {
                    all.add(v);
                }
            }
        }
        return all;
    }

    /** A servlet request as a {@link Handshake}. */
    private record ServletHandshake(HttpServletRequest req) implements Handshake {
        @Override
        public String header(String name) {
            return req.getHeader(name);
        }

        @Override
        public List<String> headers(String name) {
            return Collections.list(req.getHeaders(name));
        }

        @Override
        public String cookie(String name) {
            Cookie[] cookies = req.getCookies();
            if (cookies != null) {
                for (Cookie c : cookies) {
                    if (c.getName().equals(name)) {
                        return c.getValue();
                    }
                }
            }
            return null;
        }

        @Override
        public String userPrincipal() {
            Principal p = req.getUserPrincipal();
            return p == null ? null : p.getName();
        }
    }
}
