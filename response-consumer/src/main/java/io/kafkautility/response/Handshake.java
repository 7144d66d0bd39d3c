package io.kafkautility.response;

import java.util.List;

/**
 * What the chat backend knows of a WebSocket handshake before the upgrade: its headers, cookies and the principal the
 * container or a security filter already authenticated. What {@link Authenticator}s read; adapted from the servlet
 * request by {@link ChatWebSocket}. Every value comes from the wire: treat it as hostile.
 */
public interface Handshake {

    /** The first value of header {@code name} (case-insensitive), or null. */
    String header(String name);

    /** Every value of header {@code name} (case-insensitive), possibly empty. */
    List<String> headers(String name);

    /** The value of cookie {@code name}, or null. */
    String cookie(String name);

    /** The name of the principal the container authenticated (e.g. Spring Security's filter chain), or null. */
    String userPrincipal();

    /** The {@code Origin} header, or null (browsers always send one on a WebSocket handshake). */
    default String origin() {
        return header("Origin");
    }

    /** The {@code Host} header the client addressed, or null. */
    default String host() {
        return header("Host");
    }
}
