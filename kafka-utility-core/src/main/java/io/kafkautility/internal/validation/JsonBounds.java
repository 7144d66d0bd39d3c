package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.message.JsonLimits;

import java.util.Map;

/**
 * Check of an in-memory tree against the limits a reader applies while parsing. It recurses, but never deeper than
 * the nesting limit (at most {@link io.kafkautility.message.Envelope#MAX_DATA_DEPTH}): a deeper container is reported
 * before anything below it is visited, so a hostile tree of any depth costs at most that many frames, fewer than the
 * schema validator that runs after it spends on a tree within the limit. Allocates nothing.
 */
public final class JsonBounds {

    /** Levels the envelope object adds above the data. */
    private static final int ENVELOPE_LEVELS = 1;

    private JsonBounds() {
    }

    /** @return a description of the first exceeded limit, or null */
    public static String firstViolation(JsonNode data, JsonLimits limits) {
        return check(data, ENVELOPE_LEVELS + 1, limits);
    }

    private static String check(JsonNode n, int depth, JsonLimits limits) {
        if (n.isContainerNode()) {
            if (depth > limits.maxNestingDepth()) {
                return "data is nested deeper than the limit of " + limits.maxNestingDepth();
            }
            if (n.isObject()) {
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    if (utf8Length(e.getKey(), limits.maxNameLength()) > limits.maxNameLength()) {
                        return "a property name is longer than the limit of " + limits.maxNameLength() + " UTF-8 bytes";
                    }
                    String violation = check(e.getValue(), depth + 1, limits);
                    if (violation != null) {
                        return violation;
                    }
                }
            } else {
                for (JsonNode c : n) {
                    String violation = check(c, depth + 1, limits);
                    if (violation != null) {
                        return violation;
                    }
                }
            }
        } else if (n.isTextual()) {
            if (n.textValue().length() > limits.maxStringLength()) {
                return "a string is longer than the limit of " + limits.maxStringLength() + " characters";
            }
        } else if (n.isNumber() && numberTooLong(n, limits.maxNumberLength())) {
            return "a number is longer than the limit of " + limits.maxNumberLength() + " characters";
        }
        return null;
    }

    /**
     * The UTF-8 length of a name, as the reader's parser counts it (Jackson's byte parser checks a name's length in
     * bytes), computed only when the name could exceed {@code max}.
     */
    public static int utf8Length(String s, int max) {
        int units = s.length();
        if (units * 3L <= max) {
            return units; // at most 3 bytes per UTF-16 unit: certainly within the limit
        }
        int bytes = 0;
        for (int i = 0; i < units; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < units && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Whether the number prints longer than {@code max}; an int or long (at most 20 characters) is not printed. */
    private static boolean numberTooLong(JsonNode n, int max) {
        if ((n.isInt() || n.isLong() || n.isShort()) && max >= 20) {
            return false;
        }
        return n.asText().length() > max;
    }
}
