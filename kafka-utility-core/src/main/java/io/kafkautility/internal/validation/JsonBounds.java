package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.message.JsonLimits;

import java.util.Arrays;
import java.util.Map;

/** Iterative (no recursion) check of an in-memory tree against the limits a reader applies while parsing. */
final class JsonBounds {

    /** Levels the envelope object adds above the data. */
    private static final int ENVELOPE_LEVELS = 1;

    private JsonBounds() {
    }

    /** @return a description of the first exceeded limit, or null */
    static String firstViolation(JsonNode data, JsonLimits limits) {
        // an explicit stack of (node, depth): no recursion, no boxing
        JsonNode[] nodes = new JsonNode[16];
        int[] depths = new int[16];
        int top = 0;
        nodes[0] = data;
        depths[0] = ENVELOPE_LEVELS + 1;
        top++;
        while (top > 0) {
            top--;
            JsonNode n = nodes[top];
            int depth = depths[top];
            nodes[top] = null;
            if (n.isContainerNode()) {
                if (depth > limits.maxNestingDepth()) {
                    return "data is nested deeper than the limit of " + limits.maxNestingDepth();
                }
                int needed = top + n.size();
                if (needed > nodes.length) {
                    int size = Math.max(needed, nodes.length * 2);
                    nodes = Arrays.copyOf(nodes, size);
                    depths = Arrays.copyOf(depths, size);
                }
                if (n.isObject()) {
                    for (Map.Entry<String, JsonNode> e : n.properties()) {
                        if (e.getKey().length() > limits.maxNameLength()) {
                            return "a property name is longer than the limit of " + limits.maxNameLength();
                        }
                        nodes[top] = e.getValue();
                        depths[top++] = depth + 1;
                    }
                } else {
                    for (JsonNode c : n) {
                        nodes[top] = c;
                        depths[top++] = depth + 1;
                    }
                }
            } else if (n.isTextual()) {
                if (n.textValue().length() > limits.maxStringLength()) {
                    return "a string is longer than the limit of " + limits.maxStringLength() + " characters";
                }
            } else if (n.isNumber() && numberTooLong(n, limits.maxNumberLength())) {
                return "a number is longer than the limit of " + limits.maxNumberLength() + " characters";
            }
        }
        return null;
    }

    /** Whether the number prints longer than {@code max}; an int or long (at most 20 characters) is not printed. */
    private static boolean numberTooLong(JsonNode n, int max) {
        if ((n.isInt() || n.isLong() || n.isShort()) && max >= 20) {
            return false;
        }
        return n.asText().length() > max;
    }
}
