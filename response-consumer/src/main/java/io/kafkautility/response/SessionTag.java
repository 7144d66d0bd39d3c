package io.kafkautility.response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name of a session in log lines: the first 8 hex characters of the SHA-256 of its id. Short enough to read,
 * stable across instances (the same session has the same tag everywhere, so its lines can be followed), and not
 * reversible into the id or the token: a log line never carries what would let someone take the session over.
 */
public final class SessionTag {

    private SessionTag() {
    }

    /** The tag of {@code sessionId} ({@code "-"} for null). */
    public static String of(String sessionId) {
        if (sessionId == null) {
            return "-";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
