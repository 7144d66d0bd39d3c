package io.kafkautility.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks that a newer minor version of a JSON Schema is backward compatible with the previous one: every document valid
 * under the older schema stays valid under the newer one, so a reader of the new version reads everything written with
 * the old one. The rules (see the module README):
 * <ol>
 *   <li>{@link Rule#NEW_REQUIRED_PROPERTY}: no property may become required.</li>
 *   <li>{@link Rule#REMOVED_PROPERTY}: no declared property may be removed (schemas are closed).</li>
 *   <li>{@link Rule#CHANGED_TYPE}: a type may not change; it may only widen (e.g. integer to number, or gain a type).</li>
 *   <li>{@link Rule#ENUM_NARROWED}: enums (and const) may only grow; none may be added to an unconstrained value.</li>
 *   <li>{@link Rule#CONSTRAINT_TIGHTENED}: no bound (min/max length, items, properties, value), pattern, format or
 *       uniqueItems may be added or tightened.</li>
 *   <li>{@link Rule#CLOSED_CONTENT}: an object that allowed additional properties may not forbid them.</li>
 *   <li>{@link Rule#CHANGED_COMPOSITION}: {@code allOf/anyOf/oneOf/not/if/then/else/dependentRequired/propertyNames}
 *       and any keyword this checker does not understand must stay identical.</li>
 * </ol>
 * {@code $ref}s are resolved (same document or a sibling file in the same folder, never a remote location) before
 * comparing. Annotations ({@code title}, {@code description}, {@code examples}, {@code $comment}) are ignored.
 */
final class SchemaCompatibility {

    enum Rule { NEW_REQUIRED_PROPERTY, REMOVED_PROPERTY, CHANGED_TYPE, ENUM_NARROWED, CONSTRAINT_TIGHTENED, CLOSED_CONTENT, CHANGED_COMPOSITION }

    record Violation(Rule rule, String path, String detail) {
        @Override
        public String toString() {
            return rule + " at " + (path.isEmpty() ? "/" : path) + ": " + detail;
        }
    }

    /** A schema node plus the document it lives in (for resolving local refs). */
    private record Located(JsonNode node, String file) {
    }

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "$comment", "$schema",
            "$id", "$defs", "default", "deprecated", "readOnly", "writeOnly");
    private static final Set<String> UPPER_BOUNDS = Set.of("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties");
    private static final Set<String> LOWER_BOUNDS = Set.of("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties");
    private static final Set<String> EXACT = Set.of("pattern", "format");
    private static final Set<String> HANDLED = Set.of("type", "enum", "const", "required", "properties", "additionalProperties",
            "items", "uniqueItems", "$ref");
    private static final Set<String> COMPOSITION = Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else",
            "dependentRequired", "dependentSchemas", "propertyNames", "patternProperties", "prefixItems", "contains",
            "unevaluatedProperties", "unevaluatedItems");
    private static final int MAX_REF_DEPTH = 32;

    private final Function<String, JsonNode> files;
    private final List<Violation> violations = new ArrayList<>();

    private SchemaCompatibility(Function<String, JsonNode> files) {
        this.files = files;
    }

    /**
     * @param olderFile file name of the older schema
     * @param newerFile file name of the newer schema
     * @param files     reads a schema file of the same folder by name (null if absent)
     * @return every violation, empty if the newer schema is backward compatible
     */
    static List<Violation> check(String olderFile, String newerFile, Function<String, JsonNode> files) {
        SchemaCompatibility c = new SchemaCompatibility(files);
        c.compare(new Located(c.load(olderFile), olderFile), new Located(c.load(newerFile), newerFile), "", 0);
        return List.copyOf(c.violations);
    }

    private JsonNode load(String file) {
        JsonNode n = files.apply(file);
        if (n == null) {
            throw new IllegalStateException("schema file " + file + " not found");
        }
        return n;
    }

    private Located resolve(Located s, int depth) {
        Located cur = s;
        int hops = 0;
        while (cur.node().has("$ref")) {
            if (++hops > MAX_REF_DEPTH || depth > MAX_REF_DEPTH) {
                throw new IllegalStateException("$ref chain too deep at " + cur.node().get("$ref"));
            }
            String ref = cur.node().get("$ref").asText();
            if (ref.contains("://") || ref.startsWith("//") || ref.contains("..") || ref.startsWith("/")) {
                throw new IllegalStateException("remote or non-sibling $ref '" + ref + "' in " + cur.file() + " is not allowed");
            }
            int hash = ref.indexOf('#');
            String file = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            String targetFile = file.isEmpty() ? cur.file() : file;
            JsonNode doc = load(targetFile);
            JsonNode target = pointer.isEmpty() ? doc : doc.at(pointer);
            if (target.isMissingNode()) {
                throw new IllegalStateException("$ref '" + ref + "' in " + cur.file() + " does not resolve");
            }
            cur = new Located(target, targetFile);
        }
        return cur;
    }

    private void compare(Located olderRaw, Located newerRaw, String path, int depth) {
        Located older = resolve(olderRaw, depth);
        Located newer = resolve(newerRaw, depth);
        JsonNode o = older.node();
        JsonNode n = newer.node();
        if (o.isBoolean() || n.isBoolean()) {
            if (!o.equals(n) && !(n.isBoolean() && n.asBoolean())) {
                add(Rule.CONSTRAINT_TIGHTENED, path, "boolean schema changed from " + o + " to " + n);
            }
            return;
        }
        checkType(o, n, path);
        checkEnum(o, n, path);
        for (String k : UPPER_BOUNDS) {
            if (n.has(k) && (!o.has(k) || n.get(k).decimalValue().compareTo(o.get(k).decimalValue()) < 0)) {
                add(Rule.CONSTRAINT_TIGHTENED, path, k + " " + (o.has(k) ? "lowered from " + o.get(k) + " to " : "added: ") + n.get(k));
            }
        }
        for (String k : LOWER_BOUNDS) {
            if (n.has(k) && (!o.has(k) || n.get(k).decimalValue().compareTo(o.get(k).decimalValue()) > 0)) {
                add(Rule.CONSTRAINT_TIGHTENED, path, k + " " + (o.has(k) ? "raised from " + o.get(k) + " to " : "added: ") + n.get(k));
            }
        }
        for (String k : EXACT) {
            if (n.has(k) && !n.get(k).equals(o.get(k))) {
                add(Rule.CONSTRAINT_TIGHTENED, path, k + " " + (o.has(k) ? "changed" : "added"));
            }
        }
        if (n.path("uniqueItems").asBoolean(false) && !o.path("uniqueItems").asBoolean(false)) {
            add(Rule.CONSTRAINT_TIGHTENED, path, "uniqueItems added");
        }
        Set<String> oldRequired = strings(o.get("required"));
        for (String r : strings(n.get("required"))) {
            if (!oldRequired.contains(r)) {
                add(Rule.NEW_REQUIRED_PROPERTY, path + "/" + r, "property '" + r + "' became required");
            }
        }
        JsonNode oProps = o.path("properties");
        JsonNode nProps = n.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = oProps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode np = nProps.get(e.getKey());
            if (np == null) {
                add(Rule.REMOVED_PROPERTY, path + "/" + e.getKey(), "property '" + e.getKey() + "' was removed");
            } else {
                compare(new Located(e.getValue(), older.file()), new Located(np, newer.file()), path + "/" + e.getKey(), depth + 1);
            }
        }
        boolean oldOpen = !o.has("additionalProperties") || !o.get("additionalProperties").equals(JsonNodeFactory.instance.booleanNode(false));
        boolean newOpen = !n.has("additionalProperties") || !n.get("additionalProperties").equals(JsonNodeFactory.instance.booleanNode(false));
        if (oldOpen && !newOpen) {
            add(Rule.CLOSED_CONTENT, path, "additionalProperties became false");
        } else if (oldOpen && n.has("additionalProperties") && n.get("additionalProperties").isObject()) {
            compare(new Located(o.has("additionalProperties") && o.get("additionalProperties").isObject()
                    ? o.get("additionalProperties") : JsonNodeFactory.instance.objectNode(), older.file()),
                    new Located(n.get("additionalProperties"), newer.file()), path + "/*", depth + 1);
        }
        if (n.has("items")) {
            compare(new Located(o.has("items") ? o.get("items") : JsonNodeFactory.instance.objectNode(), older.file()),
                    new Located(n.get("items"), newer.file()), path + "/[]", depth + 1);
        }
        Set<String> keys = new HashSet<>();
        o.fieldNames().forEachRemaining(keys::add);
        n.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (ANNOTATIONS.contains(k) || HANDLED.contains(k) || UPPER_BOUNDS.contains(k) || LOWER_BOUNDS.contains(k)
                    || EXACT.contains(k)) {
                continue;
            }
            if (!Objects.equals(o.get(k), n.get(k))) {
                add(Rule.CHANGED_COMPOSITION, path, (COMPOSITION.contains(k) ? "" : "unchecked keyword ") + k + " changed");
            }
        }
    }

    private void checkType(JsonNode o, JsonNode n, String path) {
        if (!n.has("type")) {
            return;
        }
        Set<String> newTypes = strings(n.get("type"));
        if (!o.has("type")) {
            add(Rule.CHANGED_TYPE, path, "type " + newTypes + " added to an untyped value");
            return;
        }
        for (String t : strings(o.get("type"))) {
            boolean covered = newTypes.contains(t) || ("integer".equals(t) && newTypes.contains("number"));
            if (!covered) {
                add(Rule.CHANGED_TYPE, path, "type changed from " + strings(o.get("type")) + " to " + newTypes);
                return;
            }
        }
    }

    private void checkEnum(JsonNode o, JsonNode n, String path) {
        Set<JsonNode> newValues = values(n);
        if (newValues == null) {
            return;
        }
        Set<JsonNode> oldValues = values(o);
        if (oldValues == null) {
            add(Rule.ENUM_NARROWED, path, "enum/const added to an unconstrained value");
            return;
        }
        for (JsonNode v : oldValues) {
            if (!newValues.contains(v)) {
                add(Rule.ENUM_NARROWED, path, "enum value " + v + " was removed");
            }
        }
    }

    private static Set<JsonNode> values(JsonNode s) {
        if (s.has("const")) {
            return Set.of(s.get("const"));
        }
        if (!s.has("enum")) {
            return null;
        }
        Set<JsonNode> set = new HashSet<>();
        s.get("enum").forEach(set::add);
        return set;
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> set = new HashSet<>();
        if (n == null) {
            return set;
        }
        if (n.isArray()) {
            n.forEach(v -> set.add(v.asText()));
        } else {
            set.add(n.asText());
        }
        return set;
    }

    private void add(Rule rule, String path, String detail) {
        violations.add(new Violation(rule, path, detail));
    }
}
