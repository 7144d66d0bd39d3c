package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kafkautility.validation.ValidationError;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One schema of draft 2020-12 compiled by {@link SchemaCompiler} into a flat array of keyword checks. Two ways in:
 * {@link #isValid} answers yes or no and allocates nothing on the way (the common case: a valid message), and
 * {@link #errors} walks again to report every violation as a {@link ValidationError} (JSON Pointer, keyword, a message
 * that names the rule and never the value). {@code tolerant} ignores only unknown-property failures
 * ({@code additionalProperties}), for data of a newer minor version. Immutable once compiled; thread-safe.
 */
public final class CompiledSchema {

    private Keyword[] keywords = new Keyword[0];

    CompiledSchema() {
    }

    private volatile WalkPlan plan;

    void keywords(List<Keyword> list) {
        this.keywords = list.toArray(new Keyword[0]);
    }

    Keyword[] keywords() {
        return keywords;
    }

    /** @return the check a reader applies while it builds a value of this schema (not tolerant) */
    public io.kafkautility.internal.message.TreeReader.NodeCheck readCheck() {
        return plan();
    }

    /** @return this schema flattened for one walk of a value (built on first use) */
    WalkPlan plan() {
        WalkPlan p = plan;
        if (p == null) {
            p = WalkPlan.of(this);
            plan = p;
        }
        return p;
    }

    /**
     * @return whether a property name (a string) satisfies the schema, without building a node for it when every
     *         keyword is a string keyword (the common {@code propertyNames} of length and pattern)
     */
    boolean isValidName(String name, boolean tolerant) {
        Keyword[] ks = keywords;
        for (Keyword k : ks) {
            if (k instanceof MaxLength m) {
                if (!m.test(name)) {
                    return false;
                }
            } else if (k instanceof MinLength m) {
                if (!m.test(name)) {
                    return false;
                }
            } else if (k instanceof PatternKeyword p) {
                if (!p.test(name)) {
                    return false;
                }
            } else {
                return isValid(TextNode.valueOf(name), tolerant);
            }
        }
        return true;
    }

    /** @return whether the value satisfies the schema */
    public boolean isValid(JsonNode n, boolean tolerant) {
        for (Keyword k : keywords) {
            if (!k.test(n, tolerant)) {
                return false;
            }
        }
        return true;
    }

    /** @return every violation, in keyword order; empty if valid */
    public List<ValidationError> errors(JsonNode n, boolean tolerant) {
        List<ValidationError> out = new ArrayList<>(4);
        collect(n, Loc.ROOT, out, tolerant);
        return out;
    }

    void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
        for (Keyword k : keywords) {
            if (!k.test(n, tolerant)) {
                k.collect(n, at, out, tolerant);
            }
        }
    }

    /** One keyword's check. */
    abstract static class Keyword {
        final String name;

        Keyword(String name) {
            this.name = name;
        }

        abstract boolean test(JsonNode n, boolean tolerant);

        /** Called only when {@link #test} failed: reports why. */
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            out.add(ValidationError.of(at.toString(), name, message(n)));
        }

        String message(JsonNode n) {
            return "is not valid against " + name;
        }
    }

    static final class False extends Keyword {
        False() {
            super("false");
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return false;
        }

        @Override
        String message(JsonNode n) {
            return "no value is allowed here (the schema is false)";
        }
    }

    static final class Type extends Keyword {
        static final int NULL = 1;
        static final int BOOLEAN = 2;
        static final int OBJECT = 4;
        static final int ARRAY = 8;
        static final int STRING = 16;
        static final int NUMBER = 32;
        static final int INTEGER = 64;
        private final int mask;
        private final String expected;

        Type(int mask, String expected) {
            super("type");
            this.mask = mask;
            this.expected = expected;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            int bits;
            if (n.isTextual()) {
                bits = STRING;
            } else if (n.isObject()) {
                bits = OBJECT;
            } else if (n.isNumber()) {
                if ((mask & NUMBER) != 0) {
                    return JsonValues.isNumber(n);
                }
                bits = JsonValues.isInteger(n) ? INTEGER : 0;
            } else if (n.isArray()) {
                bits = ARRAY;
            } else if (n.isBoolean()) {
                bits = BOOLEAN;
            } else if (n.isNull()) {
                bits = NULL;
            } else {
                bits = 0;
            }
            return (bits & mask) != 0;
        }

        @Override
        String message(JsonNode n) {
            return JsonValues.typeName(n) + " found, " + expected + " expected";
        }
    }

    static final class Enum extends Keyword {
        private final List<JsonNode> values;
        private final Set<String> strings; // when every value is a string
        private final String listed;

        Enum(List<JsonNode> values, Set<String> strings, String listed) {
            super("enum");
            this.values = values;
            this.strings = strings;
            this.listed = listed;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (strings != null) {
                return n.isTextual() && strings.contains(n.textValue());
            }
            for (JsonNode v : values) {
                if (JsonValues.equal(v, n)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        String message(JsonNode n) {
            return "does not have a value in the enumeration " + listed;
        }
    }

    static final class Const extends Keyword {
        private final JsonNode value;

        Const(JsonNode value) {
            super("const");
            this.value = value;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return JsonValues.equal(value, n);
        }

        @Override
        String message(JsonNode n) {
            String v = value.toString();
            return "must be the constant value " + (v.length() <= 100 ? v : v.substring(0, 100) + "...");
        }
    }

    static final class MinLength extends Keyword {
        private final int min;

        MinLength(int min) {
            super("minLength");
            this.min = min;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return !n.isTextual() || test(n.textValue());
        }

        boolean test(String s) {
            int units = s.length();
            return units >= min && (units >= 2L * min || JsonValues.codePoints(s) >= min);
        }

        @Override
        String message(JsonNode n) {
            return "must be at least " + min + " characters long";
        }
    }

    static final class MaxLength extends Keyword {
        private final int max;

        MaxLength(int max) {
            super("maxLength");
            this.max = max;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return !n.isTextual() || test(n.textValue());
        }

        boolean test(String s) {
            return s.length() <= max || JsonValues.codePoints(s) <= max;
        }

        @Override
        String message(JsonNode n) {
            return "must be at most " + max + " characters long";
        }
    }

    static final class PatternKeyword extends Keyword {
        private final Pattern pattern;
        private final String source;

        PatternKeyword(Pattern pattern, String source) {
            super("pattern");
            this.pattern = pattern;
            this.source = source;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return !n.isTextual() || test(n.textValue());
        }

        boolean test(String s) {
            return pattern.matcher(s).find();
        }

        @Override
        String message(JsonNode n) {
            return "does not match the regex pattern " + source;
        }
    }

    static final class Format extends Keyword {
        private final String format;

        Format(String format) {
            super("format");
            this.format = format;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isTextual()) {
                return true;
            }
            return switch (format) {
                case "date-time" -> DateTimeFormat.isValid(n.textValue());
                case "uri-reference" -> UriReferenceFormat.isValid(n.textValue());
                default -> throw new IllegalStateException("format " + format + " is not compiled");
            };
        }

        @Override
        String message(JsonNode n) {
            return "does not match the " + format + " format (" + ("date-time".equals(format) ? "RFC 3339" : "RFC 3986")
                    + ")";
        }
    }

    /** minimum, maximum, exclusiveMinimum, exclusiveMaximum: exact decimal comparison, with fast paths. */
    static final class Bound extends Keyword {
        private final BigDecimal bound;
        private final boolean lower;
        private final boolean exclusive;
        private final boolean longExact;
        private final long asLong;
        private final boolean doubleExact;
        private final double asDouble;

        Bound(String name, BigDecimal bound, boolean lower, boolean exclusive) {
            super(name);
            this.bound = bound;
            this.lower = lower;
            this.exclusive = exclusive;
            BigDecimal stripped = bound.signum() == 0 ? BigDecimal.ZERO : bound.stripTrailingZeros();
            this.longExact = stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18;
            this.asLong = longExact ? stripped.longValueExact() : 0;
            double d = bound.doubleValue();
            this.doubleExact = Double.isFinite(d) && new BigDecimal(d).compareTo(bound) == 0;
            this.asDouble = d;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isNumber()) {
                return true;
            }
            int c;
            if (longExact && (n.isInt() || n.isLong() || n.isShort())) {
                c = Long.compare(n.longValue(), asLong);
            } else if (doubleExact && n.isDouble() && Double.isFinite(n.doubleValue())) {
                c = Double.compare(n.doubleValue() + 0.0, asDouble + 0.0); // +0.0: -0.0 equals 0
            } else {
                BigDecimal v = JsonValues.decimal(n);
                if (v == null) {
                    return true; // not a JSON number: the type keyword reports it
                }
                c = v.compareTo(bound);
            }
            if (lower) {
                return exclusive ? c > 0 : c >= 0;
            }
            return exclusive ? c < 0 : c <= 0;
        }

        @Override
        String message(JsonNode n) {
            String v = bound.toString();
            return switch (name) {
                case "minimum" -> "must have a minimum value of " + v;
                case "maximum" -> "must have a maximum value of " + v;
                case "exclusiveMinimum" -> "must be greater than " + v;
                default -> "must be less than " + v;
            };
        }
    }

    static final class Size extends Keyword {
        private final int limit;
        private final boolean min;
        private final boolean object;

        Size(String name, int limit) {
            super(name);
            this.limit = limit;
            this.min = name.startsWith("min");
            this.object = name.endsWith("Properties");
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (object ? !n.isObject() : !n.isArray()) {
                return true;
            }
            return min ? n.size() >= limit : n.size() <= limit;
        }

        @Override
        String message(JsonNode n) {
            return "must have " + (min ? "at least " : "at most ") + limit + (object ? " properties" : " items");
        }
    }

    static final class UniqueItems extends Keyword {
        UniqueItems() {
            super("uniqueItems");
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isArray() || n.size() < 2) {
                return true;
            }
            int size = n.size();
            if (size <= 8) {
                for (int i = 0; i < size; i++) {
                    for (int j = i + 1; j < size; j++) {
                        if (JsonValues.equal(n.get(i), n.get(j))) {
                            return false;
                        }
                    }
                }
                return true;
            }
            Map<Integer, Object> seen = new HashMap<>(size * 2);
            for (JsonNode item : n) {
                int h = JsonValues.hash(item);
                Object prior = seen.get(h);
                if (prior == null) {
                    seen.put(h, item);
                    continue;
                }
                List<JsonNode> bucket;
                if (prior instanceof JsonNode p) {
                    if (JsonValues.equal(p, item)) {
                        return false;
                    }
                    bucket = new ArrayList<>(2);
                    bucket.add(p);
                    seen.put(h, bucket);
                } else {
                    @SuppressWarnings("unchecked")
                    List<JsonNode> b = (List<JsonNode>) prior;
                    for (JsonNode p : b) {
                        if (JsonValues.equal(p, item)) {
                            return false;
                        }
                    }
                    bucket = b;
                }
                bucket.add(item);
            }
            return true;
        }

        @Override
        String message(JsonNode n) {
            return "must have only unique items in the array";
        }
    }

    static final class Required extends Keyword {
        private final String[] names;

        Required(String[] names) {
            super("required");
            this.names = names;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isObject()) {
                return true;
            }
            for (String name : names) {
                if (!n.has(name)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            for (String name : names) {
                if (!n.has(name)) {
                    out.add(ValidationError.of(at.property(name).toString(), name(), "required property '" + name + "' not found"));
                }
            }
        }

        private String name() {
            return name;
        }
    }

    /** properties and additionalProperties together (the latter depends on the former). */
    static final class Properties extends Keyword {
        private final Map<String, CompiledSchema> properties;
        private final CompiledSchema additional; // null: anything
        private final boolean additionalFalse;

        Properties(Map<String, CompiledSchema> properties, CompiledSchema additional, boolean additionalFalse) {
            super(additionalFalse ? "additionalProperties" : "properties");
            this.properties = properties;
            this.additional = additional;
            this.additionalFalse = additionalFalse;
        }

        Map<String, CompiledSchema> properties() {
            return properties;
        }

        CompiledSchema additional() {
            return additional;
        }

        boolean additionalFalse() {
            return additionalFalse;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isObject()) {
                return true;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                CompiledSchema s = properties.get(e.getKey());
                if (s == null) {
                    if (additionalFalse) {
                        if (!tolerant) {
                            return false;
                        }
                        continue;
                    }
                    s = additional;
                    if (s == null) {
                        continue;
                    }
                }
                if (!s.isValid(e.getValue(), tolerant)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                CompiledSchema s = properties.get(e.getKey());
                if (s == null) {
                    if (additionalFalse) {
                        if (!tolerant) {
                            out.add(ValidationError.of(at.toString(), "additionalProperties", "property '" + e.getKey()
                                    + "' is not defined in the schema and the schema does not allow additional properties"));
                        }
                        continue;
                    }
                    s = additional;
                    if (s == null) {
                        continue;
                    }
                }
                if (!s.isValid(e.getValue(), tolerant)) {
                    s.collect(e.getValue(), at.property(e.getKey()), out, tolerant);
                }
            }
        }
    }

    static final class PropertyNames extends Keyword {
        private final CompiledSchema names;

        PropertyNames(CompiledSchema names) {
            super("propertyNames");
            this.names = names;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isObject()) {
                return true;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                if (!names.isValidName(it.next(), tolerant)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                for (ValidationError e : names.errors(TextNode.valueOf(name), tolerant)) {
                    out.add(ValidationError.of(at.toString(), "propertyNames", "property name '" + name + "' is not valid: "
                            + e.keyword() + " " + e.message()));
                }
            }
        }
    }

    static final class Items extends Keyword {
        private final CompiledSchema items;

        Items(CompiledSchema items) {
            super("items");
            this.items = items;
        }

        CompiledSchema items() {
            return items;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            if (!n.isArray()) {
                return true;
            }
            for (JsonNode item : n) {
                if (!items.isValid(item, tolerant)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode item = n.get(i);
                if (!items.isValid(item, tolerant)) {
                    items.collect(item, at.index(i), out, tolerant);
                }
            }
        }
    }

    /** allOf, anyOf, oneOf, not. */
    static final class Combination extends Keyword {
        private final CompiledSchema[] schemas;

        Combination(String name, CompiledSchema[] schemas) {
            super(name);
            this.schemas = schemas;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            switch (name) {
                case "allOf" -> {
                    for (CompiledSchema s : schemas) {
                        if (!s.isValid(n, tolerant)) {
                            return false;
                        }
                    }
                    return true;
                }
                case "anyOf" -> {
                    for (CompiledSchema s : schemas) {
                        if (s.isValid(n, tolerant)) {
                            return true;
                        }
                    }
                    return false;
                }
                case "oneOf" -> {
                    int valid = 0;
                    for (CompiledSchema s : schemas) {
                        if (s.isValid(n, tolerant) && ++valid > 1) {
                            return false;
                        }
                    }
                    return valid == 1;
                }
                default -> {
                    return !schemas[0].isValid(n, tolerant);
                }
            }
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            if ("allOf".equals(name)) {
                for (CompiledSchema s : schemas) {
                    s.collect(n, at, out, tolerant);
                }
                return;
            }
            out.add(ValidationError.of(at.toString(), name, switch (name) {
                case "anyOf" -> "must be valid to at least one schema in anyOf";
                case "oneOf" -> "must be valid to exactly one schema in oneOf";
                default -> "must not be valid to the schema in not";
            }));
        }
    }

    static final class Conditional extends Keyword {
        private final CompiledSchema condition;
        private final CompiledSchema then; // null: none
        private final CompiledSchema otherwise; // null: none

        Conditional(CompiledSchema condition, CompiledSchema then, CompiledSchema otherwise) {
            super("if");
            this.condition = condition;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            CompiledSchema branch = condition.isValid(n, tolerant) ? then : otherwise;
            return branch == null || branch.isValid(n, tolerant);
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            CompiledSchema branch = condition.isValid(n, tolerant) ? then : otherwise;
            branch.collect(n, at, out, tolerant);
        }
    }

    /** $ref: the target is linked after the whole document set is compiled (it may be this schema itself). */
    static final class Ref extends Keyword {
        private final CompiledSchema target;

        Ref(CompiledSchema target) {
            super("$ref");
            this.target = target;
        }

        CompiledSchema target() {
            return target;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return target.isValid(n, tolerant);
        }

        @Override
        void collect(JsonNode n, Loc at, List<ValidationError> out, boolean tolerant) {
            target.collect(n, at, out, tolerant);
        }
    }
}
