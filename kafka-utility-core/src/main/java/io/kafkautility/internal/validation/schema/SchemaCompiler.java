package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Compiles JSON Schema draft 2020-12 documents into {@link CompiledSchema} trees, once, for the keyword subset the
 * library's schemas use: {@code type}, {@code properties}, {@code required}, {@code additionalProperties}, static
 * {@code $ref} / {@code $defs} (within and across documents, by JSON Pointer), {@code minLength} / {@code maxLength}
 * (code points), {@code pattern} (ECMA-262, see {@link Ecma262}), {@code format} {@code date-time} and
 * {@code uri-reference} (asserted), {@code minimum} / {@code maximum} / {@code exclusiveMinimum} /
 * {@code exclusiveMaximum} (exact decimals), {@code enum}, {@code const}, {@code items}, {@code minItems} /
 * {@code maxItems}, {@code uniqueItems}, {@code minProperties} / {@code maxProperties}, {@code propertyNames},
 * {@code allOf} / {@code anyOf} / {@code oneOf} / {@code not}, {@code if} / {@code then} / {@code else}, boolean
 * schemas, and annotations. It fails closed: any other keyword or format, an embedded {@code $id}, an anchor or a
 * pattern it cannot translate throws {@link UnsupportedSchemaException}, and the caller validates that schema with
 * a full implementation instead.
 *
 * <p>Documents come from the {@code documents} function by absolute URI (without fragment); it is never asked for
 * anything the caller's function does not serve, so nothing is fetched from a network. Not thread-safe while
 * compiling; the compiled schemas are.
 */
public final class SchemaCompiler {

    /** Keywords that only annotate: ignored for validation. */
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$comment", "default", "examples",
            "deprecated", "readOnly", "writeOnly", "$defs", "$schema", "$id");
    private static final Set<String> FORMATS = Set.of("date-time", "uri-reference");
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private final Function<URI, JsonNode> documents;
    private final Map<URI, JsonNode> loaded = new HashMap<>();
    private final Map<String, CompiledSchema> compiled = new HashMap<>();

    /** @param documents the schema document at an absolute URI (no fragment), or null if there is none */
    public SchemaCompiler(Function<URI, JsonNode> documents) {
        this.documents = documents;
    }

    /**
     * A mapper that reads schema documents (and test data) exactly: every number as the decimal it spells.
     *
     * @return a new mapper
     */
    public static ObjectMapper exactMapper() {
        return JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    }

    /**
     * @param uri the absolute URI of a document, optionally with a JSON Pointer fragment
     * @return the compiled schema
     * @throws UnsupportedSchemaException if it (or anything it references) is outside the subset
     */
    public CompiledSchema compile(URI uri) throws UnsupportedSchemaException {
        URI document = withoutFragment(uri);
        JsonNode root = document(document, uri.toString());
        return compileAt(document, root, uri.getFragment() == null ? "" : uri.getFragment());
    }

    /**
     * @param root a schema document held in memory
     * @param base its URI when it declares no {@code $id}
     * @return the compiled schema
     * @throws UnsupportedSchemaException if it is outside the subset
     */
    public CompiledSchema compile(JsonNode root, URI base) throws UnsupportedSchemaException {
        URI id = base;
        if (root.isObject() && root.has("$id")) {
            id = base.resolve(root.get("$id").asText());
        }
        URI document = withoutFragment(id);
        loaded.put(document, root);
        return compileAt(document, root, "");
    }

    private JsonNode document(URI document, String where) throws UnsupportedSchemaException {
        JsonNode root = loaded.get(document);
        if (root == null) {
            root = documents.apply(document);
            if (root == null) {
                throw new UnsupportedSchemaException("a reference to an unknown document", where);
            }
            loaded.put(document, root);
        }
        return root;
    }

    private CompiledSchema compileAt(URI document, JsonNode root, String pointer) throws UnsupportedSchemaException {
        String key = document + "#" + pointer;
        CompiledSchema done = compiled.get(key);
        if (done != null) {
            return done;
        }
        JsonNode node = resolve(root, pointer, key);
        CompiledSchema schema = new CompiledSchema();
        compiled.put(key, schema); // before the body: a reference back to it (recursion) finds it
        try {
            schema.keywords(keywords(document, root, pointer, node, pointer.isEmpty()));
        } catch (UnsupportedSchemaException | RuntimeException e) {
            compiled.remove(key);
            throw e;
        }
        return schema;
    }

    private static JsonNode resolve(JsonNode root, String pointer, String where) throws UnsupportedSchemaException {
        if (pointer.isEmpty()) {
            return root;
        }
        if (!pointer.startsWith("/")) {
            throw new UnsupportedSchemaException("an anchor reference", where);
        }
        JsonNode n = root;
        for (String raw : pointer.substring(1).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            if (n.isArray()) {
                try {
                    n = n.get(Integer.parseInt(token));
                } catch (NumberFormatException e) {
                    n = null;
                }
            } else {
                n = n.get(token);
            }
            if (n == null) {
                throw new UnsupportedSchemaException("a reference to nothing", where);
            }
        }
        return n;
    }

    private List<CompiledSchema.Keyword> keywords(URI document, JsonNode root, String pointer, JsonNode s,
                                                  boolean documentRoot) throws UnsupportedSchemaException {
        String where = document + "#" + pointer;
        List<CompiledSchema.Keyword> out = new ArrayList<>();
        if (s.isBoolean()) {
            if (!s.booleanValue()) {
                out.add(new CompiledSchema.False());
            }
            return out;
        }
        if (!s.isObject()) {
            throw new UnsupportedSchemaException("a schema that is neither an object nor a boolean", where);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ANNOTATIONS.contains(k) && !SUPPORTED.contains(k)) {
                throw new UnsupportedSchemaException("keyword " + k, where);
            }
        }
        if (s.has("$id") && !documentRoot) {
            throw new UnsupportedSchemaException("an embedded $id (a second schema resource)", where);
        }
        if (s.has("$schema") && !DRAFT_2020_12.equals(s.get("$schema").asText())) {
            throw new UnsupportedSchemaException("$schema " + s.get("$schema").asText(), where);
        }
        if (s.has("$ref")) {
            URI target;
            try {
                target = document.resolve(new URI(escape(s.get("$ref").asText())));
            } catch (IllegalArgumentException | java.net.URISyntaxException e) {
                throw new UnsupportedSchemaException("a $ref that is not a URI reference", where);
            }
            URI targetDocument = withoutFragment(target);
            JsonNode targetRoot = targetDocument.equals(document) ? root : document(targetDocument, where);
            out.add(new CompiledSchema.Ref(compileAt(targetDocument, targetRoot,
                    target.getFragment() == null ? "" : target.getFragment())));
        }
        if (s.has("type")) {
            out.add(type(s.get("type"), where));
        }
        if (s.has("enum")) {
            JsonNode e = s.get("enum");
            List<com.fasterxml.jackson.databind.JsonNode> values = new ArrayList<>();
            e.forEach(values::add);
            boolean allStrings = values.stream().allMatch(JsonNode::isTextual);
            Set<String> strings = allStrings ? values.stream().map(JsonNode::textValue).collect(Collectors.toUnmodifiableSet()) : null;
            String listed = values.stream().map(JsonNode::toString).collect(Collectors.joining(", ", "[", "]"));
            out.add(new CompiledSchema.Enum(List.copyOf(values), strings, listed.length() <= 200 ? listed : listed.substring(0, 200) + "...]"));
        }
        if (s.has("const")) {
            out.add(new CompiledSchema.Const(s.get("const")));
        }
        if (s.has("minLength")) {
            out.add(new CompiledSchema.MinLength(count(s, "minLength", where)));
        }
        if (s.has("maxLength")) {
            out.add(new CompiledSchema.MaxLength(count(s, "maxLength", where)));
        }
        if (s.has("pattern")) {
            String p = s.get("pattern").asText();
            try {
                out.add(new CompiledSchema.PatternKeyword(Ecma262.compile(p), p));
            } catch (PatternSyntaxException e) {
                throw new UnsupportedSchemaException("pattern " + p + " (" + e.getDescription() + ")", where);
            }
        }
        if (s.has("format")) {
            String f = s.get("format").asText();
            if (!FORMATS.contains(f)) {
                throw new UnsupportedSchemaException("format " + f, where);
            }
            out.add(new CompiledSchema.Format(f));
        }
        bound(s, "minimum", true, false, out, where);
        bound(s, "maximum", false, false, out, where);
        bound(s, "exclusiveMinimum", true, true, out, where);
        bound(s, "exclusiveMaximum", false, true, out, where);
        for (String size : List.of("minItems", "maxItems", "minProperties", "maxProperties")) {
            if (s.has(size)) {
                out.add(new CompiledSchema.Size(size, count(s, size, where)));
            }
        }
        if (s.path("uniqueItems").asBoolean(false)) {
            out.add(new CompiledSchema.UniqueItems());
        }
        if (s.has("required")) {
            List<String> names = new ArrayList<>();
            s.get("required").forEach(n -> names.add(n.asText()));
            if (!names.isEmpty()) {
                out.add(new CompiledSchema.Required(names.toArray(new String[0])));
            }
        }
        if (s.has("properties") || s.has("additionalProperties")) {
            Map<String, CompiledSchema> properties = new LinkedHashMap<>();
            JsonNode p = s.path("properties");
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                properties.put(name, compileAt(document, root, pointer + "/properties/" + token(name)));
            }
            JsonNode a = s.get("additionalProperties");
            boolean additionalFalse = a != null && a.isBoolean() && !a.booleanValue();
            CompiledSchema additional = a == null || additionalFalse || a.isBoolean() ? null
                    : compileAt(document, root, pointer + "/additionalProperties");
            out.add(new CompiledSchema.Properties(Map.copyOf(properties), additional, additionalFalse));
        }
        if (s.has("propertyNames")) {
            out.add(new CompiledSchema.PropertyNames(compileAt(document, root, pointer + "/propertyNames")));
        }
        if (s.has("items")) {
            if (!s.get("items").isObject() && !s.get("items").isBoolean()) {
                throw new UnsupportedSchemaException("items as an array (draft 2019-09 tuples)", where);
            }
            out.add(new CompiledSchema.Items(compileAt(document, root, pointer + "/items")));
        }
        for (String combination : List.of("allOf", "anyOf", "oneOf")) {
            if (s.has(combination)) {
                JsonNode list = s.get(combination);
                CompiledSchema[] schemas = new CompiledSchema[list.size()];
                for (int i = 0; i < schemas.length; i++) {
                    schemas[i] = compileAt(document, root, pointer + "/" + combination + "/" + i);
                }
                out.add(new CompiledSchema.Combination(combination, schemas));
            }
        }
        if (s.has("not")) {
            out.add(new CompiledSchema.Combination("not", new CompiledSchema[]{compileAt(document, root, pointer + "/not")}));
        }
        if (s.has("if") && (s.has("then") || s.has("else"))) {
            out.add(new CompiledSchema.Conditional(compileAt(document, root, pointer + "/if"),
                    s.has("then") ? compileAt(document, root, pointer + "/then") : null,
                    s.has("else") ? compileAt(document, root, pointer + "/else") : null));
        }
        return out;
    }

    private static final Set<String> SUPPORTED = Set.of("$ref", "type", "enum", "const", "minLength", "maxLength",
            "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
            "minProperties", "maxProperties", "uniqueItems", "required", "properties", "additionalProperties",
            "propertyNames", "items", "allOf", "anyOf", "oneOf", "not", "if", "then", "else");

    private static CompiledSchema.Keyword type(JsonNode t, String where) throws UnsupportedSchemaException {
        int mask = 0;
        List<String> names = new ArrayList<>();
        for (JsonNode n : t.isArray() ? t : List.of(t)) {
            String name = n.asText();
            names.add(name);
            mask |= switch (name) {
                case "null" -> CompiledSchema.Type.NULL;
                case "boolean" -> CompiledSchema.Type.BOOLEAN;
                case "object" -> CompiledSchema.Type.OBJECT;
                case "array" -> CompiledSchema.Type.ARRAY;
                case "string" -> CompiledSchema.Type.STRING;
                case "number" -> CompiledSchema.Type.NUMBER;
                case "integer" -> CompiledSchema.Type.INTEGER;
                default -> throw new UnsupportedSchemaException("type " + name, where);
            };
        }
        return new CompiledSchema.Type(mask, String.join(" or ", names));
    }

    private static void bound(JsonNode s, String name, boolean lower, boolean exclusive, List<CompiledSchema.Keyword> out,
                              String where) throws UnsupportedSchemaException {
        if (s.has(name)) {
            BigDecimal v = JsonValues.decimal(s.get(name));
            if (v == null) {
                throw new UnsupportedSchemaException(name + " that is not a number", where);
            }
            out.add(new CompiledSchema.Bound(name, v, lower, exclusive));
        }
    }

    private static int count(JsonNode s, String name, String where) throws UnsupportedSchemaException {
        JsonNode n = s.get(name);
        if (!n.isNumber() || !JsonValues.isInteger(n) || JsonValues.decimal(n).signum() < 0) {
            throw new UnsupportedSchemaException(name + " that is not a non-negative integer", where);
        }
        BigDecimal v = JsonValues.decimal(n);
        return v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 ? Integer.MAX_VALUE : v.intValue();
    }

    private static String token(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /** Percent-encodes what a URI reference may not hold raw (the suite has refs with spaces, %, quotes). */
    private static String escape(String ref) {
        StringBuilder b = new StringBuilder(ref.length());
        for (char c : ref.toCharArray()) {
            if (c <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{'
                    || c == '|' || c == '}' || c >= 0x7f) {
                for (byte x : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    b.append('%').append(String.format("%02X", x & 0xff));
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static URI withoutFragment(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getSchemeSpecificPart(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** @return the schemas compiled so far, by location (for tests and start-up logs) */
    Set<String> locations() {
        return new HashSet<>(compiled.keySet());
    }
}
