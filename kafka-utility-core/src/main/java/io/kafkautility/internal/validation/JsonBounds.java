package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.message.JsonLimits;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/** Iterative (no recursion) check of an in-memory tree against the limits a reader applies while parsing. */
final class JsonBounds {

    /** Levels the envelope object adds above the data. */
    private static final int ENVELOPE_LEVELS = 1;

    private JsonBounds() {
    }

    /** @return a description of the first exceeded limit, or null */
    static String firstViolation(JsonNode data, JsonLimits limits) {
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(data);
        depths.push(ENVELOPE_LEVELS + 1);
        while (!nodes.isEmpty()) {
            JsonNode n = nodes.pop();
            int depth = depths.pop();
            if (n.isContainerNode()) {
                if (depth > limits.maxNestingDepth()) {
                    return "data is nested deeper than the limit of " + limits.maxNestingDepth();
                }
                if (n.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getKey().length() > limits.maxNameLength()) {
                            return "a property name is longer than the limit of " + limits.maxNameLength();
                        }
                        nodes.push(e.getValue());
                        depths.push(depth + 1);
                    }
                } else {
                    for (JsonNode c : n) {
                        nodes.push(c);
                        depths.push(depth + 1);
                    }
                }
            } else if (n.isTextual() && n.textValue().length() > limits.maxStringLength()) {
                return "a string is longer than the limit of " + limits.maxStringLength() + " characters";
            } else if (n.isNumber() && n.asText().length() > limits.maxNumberLength()) {
                return "a number is longer than the limit of " + limits.maxNumberLength() + " characters";
            }
        }
        return null;
    }
}
