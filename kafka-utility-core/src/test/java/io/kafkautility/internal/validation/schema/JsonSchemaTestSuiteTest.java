package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official JSON-Schema-Test-Suite (draft 2020-12; test resources {@code json-schema-test-suite/}, MIT licence)
 * against the compiled validator: every case whose schema fits the compiled subset must give the suite's verdict,
 * and must report at least one error exactly when it is invalid. Cases outside the subset (remote references,
 * anchors, embedded {@code $id}s, keywords not compiled) are counted by reason and must be refused at compile time,
 * never half-compiled.
 */
class JsonSchemaTestSuiteTest {

    static final List<String> FILES = List.of("additionalProperties", "allOf", "anyOf", "boolean_schema", "const",
            "default", "defs", "enum", "exclusiveMaximum", "exclusiveMinimum", "if-then-else", "items", "maxItems",
            "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum", "not", "oneOf",
            "pattern", "properties", "propertyNames", "ref", "required", "type", "uniqueItems", "optional/bignum",
            "optional/ecmascript-regex", "optional/float-overflow", "optional/non-bmp-regex",
            "optional/format/date-time", "optional/format/uri-reference");

    private final ObjectMapper exact = SchemaCompiler.exactMapper();

    @Test
    void everyCaseInTheSubsetGivesTheSuitesVerdict() throws IOException {
        int cases = 0;
        int groups = 0;
        int skippedCases = 0;
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> perFile = new TreeMap<>();
        for (String file : FILES) {
            JsonNode suite = read("/json-schema-test-suite/" + file + ".json");
            int g = 0;
            for (JsonNode group : suite) {
                g++;
                URI base = URI.create("https://test.json-schema.org/" + file.replace('/', '-') + "/" + g + "/schema.json");
                CompiledSchema schema;
                try {
                    schema = new SchemaCompiler(uri -> null).compile(group.get("schema"), base);
                } catch (UnsupportedSchemaException e) {
                    skipped.merge(e.feature().replaceAll(" .*", "") + " " + e.feature().replaceAll("^\\S+ ?", "")
                            .replaceAll("\\(.*", "").trim(), group.get("tests").size(), Integer::sum);
                    skippedCases += group.get("tests").size();
                    continue;
                }
                groups++;
                for (JsonNode test : group.get("tests")) {
                    cases++;
                    perFile.merge(file, 1, Integer::sum);
                    boolean expected = test.get("valid").asBoolean();
                    JsonNode data = test.get("data");
                    boolean actual = schema.isValid(data, false);
                    boolean reported = !schema.errors(data, false).isEmpty();
                    if (actual != expected || reported == expected) {
                        failures.add(file + ": " + group.get("description").asText() + " / "
                                + test.get("description").asText() + ": expected " + (expected ? "valid" : "invalid")
                                + ", isValid=" + actual + ", errors reported=" + reported);
                    }
                }
            }
        }
        System.out.println("JSON-Schema-Test-Suite draft2020-12: " + cases + " cases in " + groups
                + " groups passed through the compiled validator, " + failures.size() + " failed; " + skippedCases
                + " cases outside the subset, by reason: " + skipped);
        System.out.println("  per file: " + perFile);
        assertThat(failures).isEmpty();
        assertThat(cases).isGreaterThan(700);
        // every keyword of the subset is exercised
        assertThat(perFile).containsKeys(FILES.stream().filter(f -> !f.equals("defs") && !f.equals("optional/float-overflow")).toArray(String[]::new));
    }

    private JsonNode read(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return exact.readTree(in);
        }
    }
}
