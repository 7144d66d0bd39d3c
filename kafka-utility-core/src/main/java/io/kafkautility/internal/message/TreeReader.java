package io.kafkautility.internal.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;

/**
 * Builds a tree straight from the parser's tokens, without the {@code ObjectMapper}'s per-call deserialization
 * context: the same nodes {@code readTree} builds (insertion-ordered objects, int / long / big-integer nodes), with
 * duplicate keys refused and numbers kept exact ({@link ExactNumbers}: a {@code DoubleNode} when the double spells the
 * decimal that was written, a {@code DecimalNode} when it would not). The parser enforces the limits (depth, lengths,
 * token count), so the recursion is bounded by the nesting limit. Stateless; thread-safe.
 */
public final class TreeReader {

    private static final ExactNumbers NUMBERS = new ExactNumbers();

    /**
     * A check applied while the tree is built (the schema's, see the validator): each completed node is tested against
     * the keywords of its place, so a valid document is validated in the same pass that reads it.
     */
    public interface NodeCheck {
        /** @return whether a property of this name is allowed at all ({@code additionalProperties: false}) */
        boolean allows(String name);

        /** @return the check of that property's value; null: anything */
        NodeCheck property(String name);

        /** @return the check of the array's items; null: anything */
        NodeCheck items();

        /** @return whether the completed node satisfies the keywords of its own place */
        boolean test(JsonNode complete);
    }

    /**
     * The verdict of a {@link NodeCheck} over one read: whether the data was checked while read (its schema was named
     * before it), and whether it failed; the first failure ends the checking, never the reading. Not thread-safe: one
     * per read.
     */
    public static final class Verdict {
        boolean checked;
        boolean failed;

        /** @return whether the data was checked while it was read and passed */
        public boolean passed() {
            return checked && !failed;
        }
    }

    /**
     * Reads a structured envelope's root object; when {@code dataschema} comes before {@code data} (as the library
     * writes it) and {@code checks} has a check for it, the data is checked while it is read.
     */
    static JsonNode readRoot(JsonParser p, JsonToken t, java.util.function.Function<String, NodeCheck> checks,
                             Verdict verdict) throws IOException {
        if (t != JsonToken.START_OBJECT || checks == null) {
            return read(p, t);
        }
        ObjectNode o = new ObjectNode(NUMBERS);
        String dataSchema = null;
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String name = p.currentName();
            JsonNode v;
            if ("data".equals(name) && dataSchema != null && !verdict.checked) {
                NodeCheck check = checks.apply(dataSchema);
                verdict.checked = check != null;
                v = read(p, p.nextToken(), check, verdict);
            } else {
                v = read(p, p.nextToken());
                if ("dataschema".equals(name) && v.isTextual()) {
                    dataSchema = v.textValue();
                }
            }
            if (o.replace(name, v) != null) {
                throw new JsonParseException(p, "Duplicate field in an object");
            }
        }
        return o;
    }

    private TreeReader() {
    }

    /** @return the value starting at the current token {@code t} */
    static JsonNode read(JsonParser p, JsonToken t) throws IOException {
        return read(p, t, null, null);
    }

    /** @return the value starting at {@code t}, checked by {@code check} (when not null) into {@code verdict} */
    static JsonNode read(JsonParser p, JsonToken t, NodeCheck check, Verdict verdict) throws IOException {
        if (check != null && verdict.failed) {
            check = null;
        }
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = new ObjectNode(NUMBERS);
                for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                    String name = p.currentName();
                    NodeCheck child = null;
                    if (check != null && !verdict.failed) {
                        if (!check.allows(name)) {
                            verdict.failed = true;
                        } else {
                            child = check.property(name);
                        }
                    }
                    JsonNode v = read(p, p.nextToken(), child, verdict);
                    if (o.replace(name, v) != null) {
                        throw new JsonParseException(p, "Duplicate field in an object");
                    }
                }
                return checked(o, check, verdict);
            }
            case START_ARRAY -> {
                ArrayNode a = new ArrayNode(NUMBERS);
                NodeCheck items = check == null ? null : check.items();
                for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                    a.add(read(p, i, items, verdict));
                }
                return checked(a, check, verdict);
            }
            default -> {
                return checked(scalar(p, t), check, verdict);
            }
        }
    }

    private static JsonNode checked(JsonNode n, NodeCheck check, Verdict verdict) {
        if (check != null && !verdict.failed && !check.test(n)) {
            verdict.failed = true;
        }
        return n;
    }

    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING -> {
                return TextNode.valueOf(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> IntNode.valueOf(p.getIntValue());
                    case LONG -> LongNode.valueOf(p.getLongValue());
                    default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                if (shortDecimal(p)) {
                    return DoubleNode.valueOf(p.getDoubleValue()); // at most 15 digits: the double spells it
                }
                return NUMBERS.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return BooleanNode.TRUE;
            }
            case VALUE_FALSE -> {
                return BooleanNode.FALSE;
            }
            case VALUE_NULL -> {
                return NullNode.getInstance();
            }
            default -> throw new JsonParseException(p, "Unexpected token " + t);
        }
    }

    /** Whether the number token has at most 15 significant digits and a small exponent (read as a double exactly). */
    private static boolean shortDecimal(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int from = p.getTextOffset();
        int to = from + p.getTextLength();
        int digits = 0;
        boolean leading = true;
        for (int i = from; i < to; i++) {
            char x = c[i];
            if (x >= '0' && x <= '9') {
                if (leading && x == '0') {
                    continue;
                }
                leading = false;
                if (++digits > 15) {
                    return false;
                }
            } else if (x == 'e' || x == 'E') {
                // an exponent of at most two digits keeps the value well inside the normal doubles
                int expDigits = 0;
                for (int j = i + 1; j < to; j++) {
                    if (c[j] >= '0' && c[j] <= '9') {
                        expDigits++;
                    }
                }
                return expDigits <= 2;
            }
        }
        return true;
    }
}
