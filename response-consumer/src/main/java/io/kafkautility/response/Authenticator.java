package io.kafkautility.response;

import java.util.Objects;

/**
 * Decides who a WebSocket handshake belongs to, before the upgrade: a principal, or a refusal (the handshake then
 * gets 401 and no session). Sessions remember their principal; a session token is accepted only from a connection of
 * the principal it was issued to, and the principal travels with the questions the session asks.
 *
 * <p>Set with {@link SessionManagerOptions.Builder#authenticator(Authenticator)}. Ready-made: {@link #ANONYMOUS}
 * (the default: every handshake is the anonymous principal {@code ""}), {@link #containerPrincipal()} (whatever the
 * container or a security filter in front of the endpoint authenticated, e.g. Spring Security) and
 * {@link JwtAuthenticator} (a signed bearer token or cookie).
 *
 * <p>Called on the container's request thread, once per handshake; it may block briefly (e.g. to fetch a JWK set the
 * first time). Must be thread-safe. A throwing authenticator refuses the handshake (logged without the exception's
 * message being sent to the client).
 */
@FunctionalInterface
public interface Authenticator {

    /** Every handshake is the anonymous principal: a session token alone proves a session. */
    Authenticator ANONYMOUS = handshake -> Authentication.principal("");

    /** Who {@code handshake} belongs to. */
    Authentication authenticate(Handshake handshake);

    /**
     * The principal the servlet container already authenticated ({@code HttpServletRequest.getUserPrincipal()}), as a
     * Spring Security filter chain or a container login sets it; refuses handshakes without one.
     */
    static Authenticator containerPrincipal() {
        return handshake -> {
            String name = handshake.userPrincipal();
            return name == null || name.isEmpty() ? Authentication.refused("no authenticated principal")
                    : Authentication.principal(name);
        };
    }

    /**
     * Who a handshake belongs to, or why it is refused. {@link #reason()} is for the server's log only: the client gets
     * a bare 401.
     */
    record Authentication(String principal, String reason) {
        public Authentication {
            if ((principal == null) == (reason == null)) {
                throw new IllegalArgumentException("exactly one of principal and reason");
            }
        }

        /** The handshake belongs to {@code name} ({@code ""} is the anonymous principal). */
        public static Authentication principal(String name) {
            return new Authentication(Objects.requireNonNull(name, "name"), null);
        }

        /** The handshake is refused; {@code reason} goes to the server's log (never a token or a secret in it). */
        public static Authentication refused(String reason) {
            return new Authentication(null, Objects.requireNonNull(reason, "reason"));
        }

        public boolean admitted() {
            return principal != null;
        }
    }
}
