package io.kafkautility.response.internal;

/** Ids from the wire, safe for a log line: letters, digits and {@code ._:-@/#+=}, at most 64; else marked unsafe. */
final class Ids {

    private Ids() {
    }

    /** A fresh id for an error a page is told of, and that this server's log line names too (12 hex characters). */
    static String errorId() {
        return Long.toHexString(0x1_0000_0000_0000L | java.util.concurrent.ThreadLocalRandom.current().nextLong(
                0x1_0000_0000_0000L)).substring(1);
    }

    static String safe(String id) {
        if (id == null) {
            return "null";
        }
        if (id.length() <= 64 && id.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || "._:-@/#+=".indexOf(c) >= 0))) {
            return id;
        }
        return "<unprintable id of " + id.length() + " chars>";
    }
}
