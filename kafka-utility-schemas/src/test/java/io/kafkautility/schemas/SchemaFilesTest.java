package io.kafkautility.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import io.kafkautility.schemas.Schemas.Version;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Every schema file is well-formed, identified, compiles from the classpath alone, and agrees with the catalog and README. */
class SchemaFilesTest {

    private static final String COMMON = "common";

    @Test
    void everySchemaDeclaresDraft202012AndItsOwnId() {
        List<Version> files = Schemas.schemaFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        for (Version v : files) {
            JsonNode s = Schemas.schema(v.file());
            assertThat(s.path("$schema").asText()).as(v.file()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(s.path("$id").asText()).as(v.file()).isEqualTo(Schemas.ID_PREFIX + v.file());
            assertThat(s.path("title").asText()).as(v.file() + " title").isNotBlank();
        }
    }

    @Test
    void everySchemaCompilesWithRefsResolvedFromTheClasspathOnly() {
        JsonSchemaFactory factory = Schemas.factory();
        for (Version v : Schemas.schemaFiles()) {
            Schemas.compile(factory, v.file());
            List<String> refs = new ArrayList<>();
            collectRefs(Schemas.schema(v.file()), refs);
            for (String ref : refs) {
                assertThat(ref).as(v.file() + " $ref").doesNotContain("://").doesNotStartWith("/").doesNotContain("..");
            }
        }
    }

    @Test
    void messageSchemasAreClosedObjects() {
        for (Version v : Schemas.schemaFiles()) {
            if (v.name().equals(COMMON)) {
                continue;
            }
            JsonNode s = Schemas.schema(v.file());
            assertThat(s.path("type").asText()).as(v.file()).isEqualTo("object");
            assertThat(s.path("additionalProperties").isBoolean() && !s.path("additionalProperties").asBoolean())
                    .as(v.file() + " additionalProperties=false").isTrue();
            assertThat(s.path("required").size()).as(v.file() + " required").isPositive();
        }
    }

    @Test
    void catalogListsExactlyTheMessageSchemaFiles() {
        JsonNode catalog = Schemas.read(Schemas.schemaDir().resolve("catalog.json"));
        Set<String> fromCatalog = new TreeSet<>();
        for (JsonNode t : catalog.get("types")) {
            for (String version : Schemas.strings(t.get("versions"))) {
                String[] mm = version.split("\\.");
                int minor = Integer.parseInt(mm[1]);
                fromCatalog.add(t.get("type").asText() + ".v" + mm[0] + (minor == 0 ? "" : "." + minor) + ".schema.json");
            }
            assertThat(t.path("topic").asText()).isNotBlank();
            assertThat(t.path("owner").asText()).isNotBlank();
            String latest = latestFile(t);
            assertThat(Schemas.schema(latest).path("properties").has(t.path("key").asText()))
                    .as("key %s is a property of %s", t.path("key").asText(), latest).isTrue();
        }
        Set<String> files = new TreeSet<>();
        Schemas.schemaFiles().stream().filter(v -> !v.name().equals(COMMON)).forEach(v -> files.add(v.file()));
        assertThat(fromCatalog).isEqualTo(files);
    }

    @Test
    void readmeTableListsEveryTypeWithItsTopicKeyCurrentVersionAndOwner() throws IOException {
        Path readme = Path.of("README.md");
        assertThat(readme).exists();
        String text = Files.readString(readme);
        JsonNode catalog = Schemas.read(Schemas.schemaDir().resolve("catalog.json"));
        for (JsonNode t : catalog.get("types")) {
            List<String> versions = Schemas.strings(t.get("versions"));
            String row = "| `" + t.get("type").asText() + "` | `" + t.get("topic").asText() + "` | `" + t.get("key").asText()
                    + "` | " + versions.get(versions.size() - 1) + " | " + t.get("owner").asText() + " |";
            assertThat(text).as("README row").contains(row);
        }
        assertThat(text).contains("respostas").contains("avro/rag-response.avsc");
    }

    private static String latestFile(JsonNode t) {
        List<String> versions = Schemas.strings(t.get("versions"));
        String[] mm = versions.get(versions.size() - 1).split("\\.");
        int minor = Integer.parseInt(mm[1]);
        return t.get("type").asText() + ".v" + mm[0] + (minor == 0 ? "" : "." + minor) + ".schema.json";
    }

    private static void collectRefs(JsonNode n, List<String> refs) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, refs));
        }
    }
}
