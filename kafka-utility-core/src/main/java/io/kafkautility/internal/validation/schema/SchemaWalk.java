package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.internal.validation.JsonBounds;
import io.kafkautility.message.JsonLimits;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a value while checking it, in one walk: each node is checked against the reader's {@link JsonLimits} (depth,
 * string, number and UTF-8 name lengths) and against the keywords of the compiled schema at its place, then written to
 * the generator. The first violation stops the walk ({@code false}): the output is then incomplete and the caller
 * throws it away and asks {@link CompiledSchema#errors} for the report. Writes exactly the bytes Jackson's
 * {@code writeTree} writes for the same tree. Nodes Jackson writes through a serializer (binary, POJO, raw) are not
 * walked: {@link NotWalkable} is thrown so the caller takes the two-pass path. Stateless; thread-safe.
 */
public final class SchemaWalk {

    /** The tree holds a node this walk does not write itself; use validate-then-{@code writeTree}. */
    public static final class NotWalkable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotWalkable() {
            super("a node that is not plain JSON", null, false, false);
        }
    }

    private SchemaWalk() {
    }

    /**
     * @param data   the value
     * @param schema its compiled schema
     * @param g      where to write it
     * @param limits the reader's limits
     * @param depth  the nesting depth of {@code data} itself (the envelope puts it at 2)
     * @return true if the value was valid and is written; false at the first violation
     */
    public static boolean write(JsonNode data, CompiledSchema schema, JsonGenerator g, JsonLimits limits, int depth)
            throws IOException {
        return write(data, schema.plan(), g, limits, depth);
    }

    private static boolean write(JsonNode n, WalkPlan plan, JsonGenerator g, JsonLimits limits, int depth)
            throws IOException {
        if (plan != null) {
            for (CompiledSchema.Keyword k : plan.local) {
                if (!k.test(n, false)) {
                    return false;
                }
            }
        }
        switch (n.getNodeType()) {
            case OBJECT -> {
                if (depth > limits.maxNestingDepth()) {
                    return false;
                }
                g.writeStartObject(n, n.size());
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String name = e.getKey();
                    if (JsonBounds.utf8Length(name, limits.maxNameLength()) > limits.maxNameLength()) {
                        return false;
                    }
                    WalkPlan child = null;
                    if (plan != null) {
                        if (plan.additionalFalse && !plan.lists(name)) {
                            return false;
                        }
                        child = plan.property(name);
                    }
                    g.writeFieldName(name);
                    if (!write(e.getValue(), child, g, limits, depth + 1)) {
                        return false;
                    }
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                if (depth > limits.maxNestingDepth()) {
                    return false;
                }
                int size = n.size();
                g.writeStartArray(n, size);
                WalkPlan items = plan == null ? null : plan.items;
                for (int i = 0; i < size; i++) {
                    if (!write(n.get(i), items, g, limits, depth + 1)) {
                        return false;
                    }
                }
                g.writeEndArray();
            }
            case STRING -> {
                String s = n.textValue();
                if (s.length() > limits.maxStringLength()) {
                    return false;
                }
                g.writeString(s);
            }
            case NUMBER -> {
                boolean integral = n.isInt() || n.isLong() || n.isShort();
                if (!(integral && limits.maxNumberLength() >= 20) && n.asText().length() > limits.maxNumberLength()) {
                    return false; // as JsonBounds: an int or long (at most 20 characters) is not printed
                }
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    default -> {
                        if (n.isDouble()) {
                            g.writeNumber(n.doubleValue());
                        } else if (n.isFloat()) {
                            g.writeNumber(n.floatValue());
                        } else if (n.isBigDecimal()) {
                            g.writeNumber(n.decimalValue());
                        } else if (n.isBigInteger()) {
                            g.writeNumber(n.bigIntegerValue());
                        } else {
                            g.writeNumber(n.shortValue());
                        }
                    }
                }
            }
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            default -> throw new NotWalkable();
        }
        return true;
    }
}
