package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON Schema's data model over Jackson nodes: numbers are exact decimals (a {@code DoubleNode} stands for the decimal
 * its shortest text spells, which is what a reader of the written JSON sees), {@code 1.0} is an integer, and equality
 * is structural with numeric equality ({@code 1 == 1.0}). Stateless.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** @return the exact value of a number node, or null if it is not a finite number */
    public static BigDecimal decimal(JsonNode n) {
        if (n.isInt() || n.isLong() || n.isShort()) {
            return BigDecimal.valueOf(n.longValue());
        }
        if (n.isBigInteger()) {
            return new BigDecimal(n.bigIntegerValue());
        }
        if (n.isBigDecimal()) {
            return n.decimalValue();
        }
        if (n.isDouble() || n.isFloat()) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
        }
        return null;
    }

    /** Whether a number node is a finite number (NaN and infinities are not JSON numbers). */
    public static boolean isNumber(JsonNode n) {
        if (!n.isNumber()) {
            return false;
        }
        return !(n.isDouble() || n.isFloat()) || Double.isFinite(n.doubleValue());
    }

    /** JSON Schema's {@code integer}: a number whose value is integral, whatever its spelling. */
    public static boolean isInteger(JsonNode n) {
        if (n.isInt() || n.isLong() || n.isShort() || n.isBigInteger()) {
            return true;
        }
        if (n.isDouble() || n.isFloat()) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d);
        }
        if (n.isBigDecimal()) {
            BigDecimal d = n.decimalValue();
            return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
        }
        return false;
    }

    /** @return the JSON Schema type name of a node: null, boolean, object, array, string, integer or number */
    public static String typeName(JsonNode n) {
        if (n.isNull()) {
            return "null";
        } else if (n.isBoolean()) {
            return "boolean";
        } else if (n.isObject()) {
            return "object";
        } else if (n.isArray()) {
            return "array";
        } else if (n.isTextual()) {
            return "string";
        } else if (isNumber(n)) {
            return isInteger(n) ? "integer" : "number";
        }
        return "unknown";
    }

    /** JSON Schema equality ({@code const}, {@code enum}, {@code uniqueItems}): structural, numbers by value. */
    public static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            BigDecimal x = decimal(a);
            BigDecimal y = decimal(b);
            return x != null && y != null && x.compareTo(y) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isTextual()) {
            return a.textValue().equals(b.textValue());
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode other = b.get(e.getKey());
                if (other == null || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** A hash consistent with {@link #equal}: equal values hash alike (numbers by their stripped decimal). */
    public static int hash(JsonNode n) {
        if (n.isNumber()) {
            if (n.isInt() || n.isLong() || n.isShort()) {
                return Long.hashCode(n.longValue());
            }
            BigDecimal d = decimal(n);
            if (d == null) {
                return 0;
            }
            if (d.signum() == 0) {
                return 0;
            }
            BigDecimal s = d.stripTrailingZeros();
            if (s.scale() <= 0 && s.precision() - s.scale() <= 18) {
                return Long.hashCode(s.longValueExact());
            }
            return s.hashCode();
        }
        if (n.isTextual()) {
            return n.textValue().hashCode();
        }
        if (n.isArray()) {
            int h = 1;
            for (JsonNode c : n) {
                h = 31 * h + hash(c);
            }
            return h;
        }
        if (n.isObject()) {
            int h = 7;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                h += e.getKey().hashCode() ^ hash(e.getValue()); // order-independent
            }
            return h;
        }
        return n.hashCode();
    }

    /** @return the number of Unicode code points of a string (what {@code minLength} / {@code maxLength} count) */
    public static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }
}
