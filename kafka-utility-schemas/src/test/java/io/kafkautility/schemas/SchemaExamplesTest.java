package io.kafkautility.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import io.kafkautility.schemas.Schemas.Version;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message schema has valid and invalid example documents under {@code examples/<type>.v<N>/}; valid ones
 * validate, invalid ones fail with exactly the expected (pointer, keyword) violations.
 */
class SchemaExamplesTest {

    private final JsonSchemaFactory factory = Schemas.factory();

    @Test
    void everyMessageSchemaHasValidAndInvalidExamples() throws IOException {
        for (Version v : Schemas.schemaFiles()) {
            if (v.name().equals("common")) {
                continue;
            }
            Path dir = Schemas.resourceDir("examples").resolve(exampleDir(v));
            assertThat(list(dir.resolve("valid"))).as(v.file() + " valid examples").isNotEmpty();
            assertThat(list(dir.resolve("invalid"))).as(v.file() + " invalid examples").isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> examples() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Version v : Schemas.schemaFiles()) {
            if (v.name().equals("common")) {
                continue;
            }
            JsonSchema schema = Schemas.compile(factory, v.file());
            Path dir = Schemas.resourceDir("examples").resolve(exampleDir(v));
            for (Path p : list(dir.resolve("valid"))) {
                tests.add(DynamicTest.dynamicTest(v.file() + " valid " + p.getFileName(), () ->
                        assertThat(Schemas.errors(schema.validate(Schemas.read(p)))).as(p.toString()).isEmpty()));
            }
            for (Path p : list(dir.resolve("invalid"))) {
                tests.add(DynamicTest.dynamicTest(v.file() + " invalid " + p.getFileName(), () -> {
                    JsonNode example = Schemas.read(p);
                    Set<String> expected = new TreeSet<>();
                    example.get("expectedErrors").forEach(e -> expected.add(e.get("pointer").asText() + " " + e.get("keyword").asText()));
                    assertThat(expected).as(p + " declares its expected errors").isNotEmpty();
                    assertThat(Schemas.errors(schema.validate(example.get("data")))).as(p.toString()).isEqualTo(expected);
                }));
            }
        }
        return tests.stream();
    }

    private static String exampleDir(Version v) {
        return v.name() + ".v" + v.major() + (v.minor() == 0 ? "" : "." + v.minor());
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }
}
