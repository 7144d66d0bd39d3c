package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates JSON documents for one of the library's schemas near its boundaries, as text (so numbers keep their
 * spelling): lengths in code points around {@code minLength} / {@code maxLength} (with astral characters), line
 * terminators before the end of patterned strings, RFC 3339 and RFC 3986 edge cases built from their grammar pieces,
 * numbers at the bounds spelled as integers, decimals and exponents ({@code 1.0}, {@code 1e400}, {@code -1e-400},
 * {@code 1.0000000000000001}, {@code 2^53+1}), missing required and extra properties, wrong types, duplicate items,
 * property names around the limits, deep nesting, duplicate keys and huge numbers. Driven by the schema documents
 * themselves (resolving their {@code $ref}s), so a new schema is covered without a change here. Not thread-safe.
 */
final class BoundaryDocuments {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] TERMINATORS = {"\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", " ", "\t", "\u00a0"};
    private static final String ASTRAL = "\uD83D\uDE00"; // one code point, two UTF-16 units

    private final Map<String, JsonNode> documents = new HashMap<>();
    private final JsonNode root;
    private final String rootFile;
    private SplittableRandom r;

    BoundaryDocuments(MessageType type) {
        this.rootFile = type.schemaResource().substring(type.schemaResource().lastIndexOf('/') + 1);
        this.root = load(rootFile);
    }

    /** @return one document, as JSON text */
    String next(SplittableRandom random) {
        this.r = random;
        StringBuilder out = new StringBuilder(512);
        value(root, rootFile, out, 0);
        return out.toString();
    }

    private JsonNode load(String file) {
        return documents.computeIfAbsent(file, f -> {
            try (InputStream in = BoundaryDocuments.class.getClassLoader().getResourceAsStream("schemas/" + f)) {
                return MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Follows $ref (file and pointer) until a schema without one. */
    private Object[] resolve(JsonNode schema, String file) {
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            int hash = ref.indexOf('#');
            String f = hash == 0 ? file : ref.substring(0, hash < 0 ? ref.length() : hash);
            JsonNode target = load(f);
            if (hash >= 0 && hash + 1 < ref.length()) {
                target = target.at(ref.substring(hash + 1));
            }
            schema = target;
            file = f;
        }
        return new Object[]{schema, file};
    }

    private boolean chance(double p) {
        return r.nextDouble() < p;
    }

    private <T> T pick(T[] values) {
        return values[r.nextInt(values.length)];
    }

    private void value(JsonNode schema0, String file0, StringBuilder out, int depth) {
        Object[] resolved = resolve(schema0, file0);
        JsonNode schema = (JsonNode) resolved[0];
        String file = (String) resolved[1];
        if (chance(0.015)) {
            randomValue(out, depth, 3); // a wrong type, mostly
            return;
        }
        if (schema.has("enum") || schema.has("const")) {
            List<String> values = new ArrayList<>();
            (schema.has("enum") ? schema.get("enum") : MAPPER.createArrayNode().add(schema.get("const")))
                    .forEach(v -> values.add(v.asText()));
            String v = values.get(r.nextInt(values.size()));
            double x = r.nextDouble();
            if (x < 0.04) {
                v = v.toUpperCase();
            } else if (x < 0.08) {
                v = v + pick(TERMINATORS);
            }
            string(v, out);
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> object(schema, file, out, depth);
            case "array" -> array(schema, file, out, depth);
            case "string" -> {
                String format = schema.path("format").asText("");
                switch (format) {
                    case "date-time" -> string(dateTime(), out);
                    case "uri-reference" -> string(uri(), out);
                    default -> string(text(schema), out);
                }
            }
            case "integer", "number" -> out.append(number(schema, type.equals("integer")));
            case "boolean" -> out.append(r.nextBoolean());
            default -> randomValue(out, depth, 3);
        }
    }

    private void object(JsonNode schema, String file, StringBuilder out, int depth) {
        JsonNode properties = schema.get("properties");
        if (properties == null) {
            freeObject(schema, out, depth);
            return;
        }
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        out.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            boolean include = required.contains(p.getKey()) ? !chance(0.01) : chance(0.5);
            if (!include) {
                continue;
            }
            first = comma(first, out);
            string(p.getKey(), out);
            out.append(':');
            value(p.getValue(), file, out, depth + 1);
        }
        if (chance(0.01)) {
            first = comma(first, out);
            string(chance(0.5) ? "extra" : name(8), out);
            out.append(':');
            randomValue(out, depth + 1, 2);
        }
        out.append('}');
    }

    private void freeObject(JsonNode schema, StringBuilder out, int depth) {
        int maxProperties = schema.path("maxProperties").asInt(20);
        int nameMax = schema.path("propertyNames").path("maxLength").asInt(64);
        int count;
        double x = r.nextDouble();
        if (x < 0.005) {
            count = maxProperties;
        } else if (x < 0.01) {
            count = maxProperties + 1;
        } else {
            count = r.nextInt(5);
        }
        out.append('{');
        boolean first = true;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name;
            double y = r.nextDouble();
            if (y < 0.02) {
                name = sized(nameMax + (r.nextBoolean() ? 0 : 1), true);
            } else if (y < 0.03 && !names.isEmpty()) {
                name = names.get(0); // a duplicate key: the parser refuses it
            } else {
                name = "k" + i + "-" + name(3);
            }
            names.add(name);
            first = comma(first, out);
            string(name, out);
            out.append(':');
            if (chance(0.003)) {
                int levels = 55 + r.nextInt(15); // around the nesting limit of 64
                out.append("[".repeat(levels)).append("1").append("]".repeat(levels));
            } else {
                randomValue(out, depth + 1, 3);
            }
        }
        out.append('}');
    }

    private void array(JsonNode schema, String file, StringBuilder out, int depth) {
        int maxItems = schema.path("maxItems").asInt(10);
        int minItems = schema.path("minItems").asInt(0);
        int count;
        double x = r.nextDouble();
        if (x < 0.01 && maxItems <= 100) {
            count = maxItems + (r.nextBoolean() ? 0 : 1);
        } else if (x < 0.002 + 0.01) {
            count = maxItems + (r.nextBoolean() ? 0 : 1);
        } else if (x < 0.04) {
            count = Math.max(0, minItems - 1);
        } else {
            count = minItems + r.nextInt(4);
        }
        JsonNode items = schema.path("items");
        List<String> written = new ArrayList<>(count);
        out.append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (i > 0 && schema.path("uniqueItems").asBoolean(false) && chance(0.1)) {
                String prior = written.get(r.nextInt(written.size()));
                out.append(prior);
                written.add(prior);
                continue;
            }
            StringBuilder item = new StringBuilder();
            if (items.isMissingNode()) {
                randomValue(item, depth + 1, 2);
            } else {
                value(items, file, item, depth + 1);
            }
            out.append(item);
            written.add(item.toString());
        }
        out.append(']');
    }

    // ---- strings

    private String text(JsonNode schema) {
        int min = schema.path("minLength").asInt(0);
        int max = schema.path("maxLength").asInt(64);
        String pattern = schema.path("pattern").asText(null);
        int length;
        double x = r.nextDouble();
        boolean longText = max > 4096; // the free texts: their upper bound only rarely (it costs)
        if (x < 0.05) {
            length = Math.max(0, min - 1);
        } else if (x < 0.12) {
            length = min;
        } else if (x < (longText ? 0.121 : 0.17)) {
            length = max;
        } else if (x < (longText ? 0.122 : 0.22)) {
            length = max + 1;
        } else {
            length = min + r.nextInt(Math.max(1, Math.min(max, 40) - min + 1));
        }
        String s = pattern == null ? sized(length, chance(0.3)) : patterned(pattern, length);
        if (pattern != null && chance(0.08)) {
            s = s + pick(TERMINATORS);
        }
        return s;
    }

    /** A string near one of our patterns: valid characters mostly, with a length in code points. */
    private String patterned(String pattern, int length) {
        StringBuilder b = new StringBuilder();
        if (pattern.startsWith("^[a-f0-9]{64}")) {
            for (int i = 0; i < (chance(0.8) ? 64 : 63 + r.nextInt(3)); i++) {
                b.append("0123456789abcdef".charAt(r.nextInt(16)));
            }
            if (chance(0.03)) {
                b.setCharAt(r.nextInt(b.length()), 'G');
            }
            return b.toString();
        }
        if (pattern.startsWith("^[a-z]{2,3}")) {
            b.append(chance(0.5) ? "pt" : chance(0.5) ? "eng" : chance(0.5) ? "e" : "engl");
            int subtags = r.nextInt(3);
            for (int i = 0; i < subtags; i++) {
                b.append('-').append(chance(0.9) ? "BR" : chance(0.5) ? "x" : "Latn1234X");
            }
            return b.toString();
        }
        if (pattern.contains("/[A-Za-z0-9")) {
            return chance(0.9) ? "application/pdf" : chance(0.5) ? "text" : "a$b/c^d";
        }
        String first = "AZaz09";
        String rest = "AZaz09._:#/@+=-";
        for (int i = 0; i < length; i++) {
            String from = i == 0 ? first : rest;
            if (chance(0.01)) {
                b.append(pick(new String[]{" ", "\u00e9", ASTRAL, "!", "\\", "\""}));
            } else {
                b.append(from.charAt(r.nextInt(from.length())));
            }
        }
        return b.toString();
    }

    /** A string of exactly {@code codePoints} code points, with astral characters when asked. */
    private String sized(int codePoints, boolean astral) {
        if (codePoints > 512) { // the long free texts: a random block repeated, to the exact count
            String block = sized(256, astral);
            return block.repeat(codePoints / 256) + sized(codePoints % 256, astral);
        }
        StringBuilder b = new StringBuilder(codePoints * 2);
        for (int i = 0; i < codePoints; i++) {
            if (astral && chance(0.3)) {
                b.append(ASTRAL);
            } else if (astral && chance(0.2)) {
                b.append('\u6587');
            } else {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }

    private String name(int length) {
        return sized(length, false);
    }

    // ---- RFC 3339 date-times built from their pieces

    private static final String[] LEAP_DAYS = {"1972-06-30", "1998-12-31", "2016-12-31", "2012-06-30"};

    private String dateTime() {
        if (chance(0.1)) {
            // a leap second, on a day with one or without, in UTC or at an offset
            String day = chance(0.7) ? pick(LEAP_DAYS) : pick(new String[]{"1971-12-31", "2026-12-31", "1998-06-30"});
            if (chance(0.5)) {
                return day + "T23:59:60" + (chance(0.5) ? "Z" : "+00:00");
            }
            return day + (chance(0.5) ? "T15:59:60-08:00" : "T22:59:60-01:00");
        }
        String year = pick(new String[]{"2026", "1970", "2000", "1900", "2100", "0000", "9999", "2028", "1998"});
        int month = chance(0.95) ? 1 + r.nextInt(12) : pick(new Integer[]{0, 13});
        int day = chance(0.6) ? 1 + r.nextInt(28) : pick(new Integer[]{0, 29, 30, 31, 32});
        int hour = chance(0.95) ? r.nextInt(24) : 24;
        int minute = chance(0.95) ? r.nextInt(60) : 60;
        int second = chance(0.9) ? r.nextInt(60) : pick(new Integer[]{60, 61});
        StringBuilder b = new StringBuilder(40);
        b.append(year).append('-').append(two(month)).append('-').append(two(day));
        b.append(chance(0.92) ? "T" : pick(new String[]{"t", " ", "_", "TT"}));
        b.append(two(hour)).append(':').append(two(minute)).append(':').append(two(second));
        double f = r.nextDouble();
        if (f < 0.3) {
            b.append('.');
            int digits = chance(0.05) ? 0 : 1 + r.nextInt(chance(0.8) ? 9 : 15);
            for (int i = 0; i < digits; i++) {
                b.append((char) ('0' + r.nextInt(10)));
            }
        }
        double z = r.nextDouble();
        if (z < 0.55) {
            b.append('Z');
        } else if (z < 0.6) {
            b.append('z');
        } else if (z < 0.85) {
            int oh = chance(0.9) ? r.nextInt(19) : 19 + r.nextInt(6);
            int om = chance(0.9) ? pick(new Integer[]{0, 30, 45}) : pick(new Integer[]{59, 60});
            b.append(chance(0.5) ? '+' : '-').append(two(oh)).append(':').append(two(om));
        } else {
            b.append(pick(new String[]{"-00:00", "+0100", "+01", "-03-57", "ZZ", "", "+01:00:00", "Z ", "z\n",
                    "Zabc", "+1:00", "\u2212" + "01:00"}));
        }
        if (chance(0.02)) {
            b.append(pick(TERMINATORS));
        }
        return b.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    // ---- RFC 3986 references built from their pieces

    private String uri() {
        StringBuilder b = new StringBuilder(64);
        double s = r.nextDouble();
        if (s < 0.6) {
            b.append(pick(new String[]{"http", "https", "s3", "file", "urn", "mailto", "a+b.c-d", "H"})).append(':');
        } else if (s < 0.65) {
            b.append(pick(new String[]{"1a", "", "a_b", "\u00e9"})).append(':');
        }
        if (chance(0.7)) {
            b.append("//");
            if (chance(0.1)) {
                b.append(pick(new String[]{"user", "u:pw", "u%20", "u@v", "u[1]"})).append('@');
            }
            b.append(pick(new String[]{"host", "bucket", "example.com", "h", "", "127.0.0.1", "256.1.1.1", "01.2.3.4",
                    "[::1]", "[fe80::1%25eth0]", "[fe80::1%eth0]", "[v1.fe]", "[v1.]", "[vz.x]", "[1:2:3:4:5:6:7:8]",
                    "[1:2:3:4:5:6:7:8:9]", "[::ffff:1.2.3.4]", "[::1", "::1", "[1::2::3]", "[::]", "ho st", "h%41",
                    "h%4", "h\u00e9", "[1:2:3:4:5:6:7::]", "[:1]", "[1:]", "[12345::]"}));
            if (chance(0.3)) {
                b.append(pick(new String[]{":", ":80", ":8080", ":80:80", ":abc", ":-1"}));
            }
        }
        int segments = r.nextInt(4);
        for (int i = 0; i < segments; i++) {
            if (i > 0 || b.length() > 0 || chance(0.5)) {
                b.append('/');
            }
            b.append(segment());
        }
        if (chance(0.2)) {
            b.append('?').append(segment()).append(chance(0.3) ? "/?x=1" : "");
        }
        if (chance(0.15)) {
            b.append('#').append(segment()).append(chance(0.1) ? "#" : "");
        }
        return b.toString();
    }

    private String segment() {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (chance(0.9)) {
                b.append("abcXYZ019-._~".charAt(r.nextInt(13)));
            } else {
                b.append(pick(new String[]{" ", "[", "]", "%20", "%zz", "%", "\u00e9", ":", "@", "!$&'()*+,;=", "\"",
                        "<", "{", "|", "\\", "^", "`"}));
            }
        }
        return b.toString();
    }

    // ---- numbers, as text

    private static final String[] SPECIAL = {"1.0", "0.0", "-0", "-0.0", "1e400", "-1e400", "1e-400", "-1e-400",
            "1.0000000000000001", "0.30000000000000004", "9007199254740993", "4503599627370496.5",
            "123456789012345678901234567890", "1E2", "1e+2", "10e-1", "2.0000000000000001", "0.9999999999999999999",
            "1.5", "-1", "1e-7", "3.000", "1e308", "100.0", "1000000.0000000001", "1000001", "1e6", "1000000e0"};

    private String number(JsonNode schema, boolean integer) {
        double x = r.nextDouble();
        if (x < 0.25) {
            return pick(SPECIAL);
        }
        JsonNode bound = x < 0.5 ? schema.get("minimum") : x < 0.75 ? schema.get("maximum") : null;
        if (bound != null) {
            long b = bound.asLong();
            long v = b + r.nextInt(3) - 1;
            return spell(v);
        }
        long v = r.nextInt(integer ? 100 : 3);
        if (!integer && chance(0.7)) {
            return v + "." + r.nextInt(1000);
        }
        return spell(v);
    }

    private String spell(long v) {
        return switch (r.nextInt(6)) {
            case 0 -> v + ".0";
            case 1 -> v + "e0";
            case 2 -> (v * 10) + "e-1";
            default -> Long.toString(v);
        };
    }

    // ---- any JSON

    private void randomValue(StringBuilder out, int depth, int budget) {
        double x = r.nextDouble();
        if (budget <= 0 || x < 0.3) {
            string(sized(r.nextInt(6), chance(0.2)), out);
        } else if (x < 0.5) {
            out.append(chance(0.5) ? pick(SPECIAL) : Integer.toString(r.nextInt(1000)));
        } else if (x < 0.6) {
            out.append(pick(new String[]{"true", "false", "null"}));
        } else if (x < 0.8) {
            int n = r.nextInt(4);
            out.append('[');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                randomValue(out, depth + 1, budget - 1);
            }
            out.append(']');
        } else {
            int n = r.nextInt(4);
            out.append('{');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                string("p" + i, out);
                out.append(':');
                randomValue(out, depth + 1, budget - 1);
            }
            out.append('}');
        }
    }

    private static boolean comma(boolean first, StringBuilder out) {
        if (!first) {
            out.append(',');
        }
        return false;
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
