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
final class TreeReader {

    private static final ExactNumbers NUMBERS = new ExactNumbers();

    private TreeReader() {
    }

    /** @return the value starting at the current token {@code t} */
    static JsonNode read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = new ObjectNode(NUMBERS);
                for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                    String name = p.currentName();
                    JsonNode v = read(p, p.nextToken());
                    if (o.replace(name, v) != null) {
                        throw new JsonParseException(p, "Duplicate field in an object");
                    }
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = new ArrayNode(NUMBERS);
                for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                    a.add(read(p, i));
                }
                return a;
            }
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
