package io.kafkautility.internal.logging;

/**
 * Makes untrusted text (message ids, types, header values, error messages quoting them) safe to put in a log line:
 * line breaks and other control characters are escaped ({@code \r}, {@code \n}, {@code \t}, {@code \\uXXXX}), so one
 * log call stays one line and nobody can forge a log line through a record; long text is cut.
 */
public final class LogText {

    /** Longest text kept, in characters, before escaping; the rest is replaced by {@code ...}. */
    public static final int MAX_LENGTH = 256;

    private LogText() {
    }

    /** {@code text} escaped onto one line and cut to {@link #MAX_LENGTH} characters; {@code "null"} for null. */
    public static String oneLine(String text) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), MAX_LENGTH);
        StringBuilder sb = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (isUnsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(end + 16).append(text, 0, i);
                }
                switch (c) {
                    case '\r' -> sb.append("\\r");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    default -> sb.append(String.format("\\u%04x", (int) c));
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        String safe = sb == null ? text.substring(0, end) : sb.toString();
        return end < text.length() ? safe + "..." : safe;
    }

    private static boolean isUnsafe(char c) {
        // ISO controls (C0, DEL, C1 incl. NEL) and the Unicode line/paragraph separators
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
