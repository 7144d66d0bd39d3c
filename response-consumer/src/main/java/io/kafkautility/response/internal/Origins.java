package io.kafkautility.response.internal;

import io.kafkautility.response.SessionManagerOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/** Whether a handshake's {@code Origin} is allowed: an allow-list, or by default the page's own origin. */
final class Origins {

    private Origins() {
    }

    /**
     * @param origin  the {@code Origin} header
     * @param host    the {@code Host} header (the page's own origin, when {@code allowed} is empty)
     * @param allowed normalized {@code scheme://host[:port]} entries, {@code *}, or empty for the page's own origin
     */
    static boolean allowed(String origin, String host, List<String> allowed) {
        if (allowed.contains(SessionManagerOptions.ANY_ORIGIN)) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false; // "null" (a sandboxed or file page), garbage, or another scheme
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalized);
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String ownHost = host.trim().toLowerCase(Locale.ROOT);
        String hostPart = normalized.substring(normalized.indexOf("://") + 3);
        boolean https = normalized.startsWith("https:");
        if (ownHost.endsWith(https ? ":443" : ":80")) {
            ownHost = ownHost.substring(0, ownHost.lastIndexOf(':'));
        }
        return hostPart.equals(ownHost);
    }

    /** {@code scheme://host[:port]} in lowercase without a default port, or null if it is not an http(s) origin. */
    static String normalize(String origin) {
        if (origin == null || origin.length() > 512) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!("http".equals(scheme) || "https".equals(scheme)) || host == null || uri.getRawUserInfo() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme)
                && port == 443);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
