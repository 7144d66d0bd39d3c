package io.kafkautility.response.internal;

/** Ids from the wire, safe for a log line: letters, digits and {@code ._:-@/#+=}, at most 64; else marked unsafe. */
final class Ids {

    private Ids() {
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
