package io.kafkautility.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.schemas.SchemaCompatibility.Rule;
import io.kafkautility.schemas.SchemaCompatibility.Violation;
import io.kafkautility.schemas.Schemas.Version;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compatibility check of the build: within each schema family (same type, same major), each minor version is
 * backward compatible with the previous one. Known-incompatible fixture pairs prove every rule fails when it should.
 */
class SchemaCompatibilityTest {

    @Test
    void everyMinorVersionIsBackwardCompatibleWithThePreviousOne() {
        Map<String, List<Version>> families = new TreeMap<>();
        for (Version v : Schemas.schemaFiles()) {
            families.computeIfAbsent(v.name() + " v" + v.major(), k -> new ArrayList<>()).add(v);
        }
        int pairs = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<Version>> family : families.entrySet()) {
            List<Version> versions = family.getValue();
            assertThat(versions.get(0).minor()).as(family.getKey() + " starts at minor 0").isZero();
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i).minor()).as(family.getKey() + " minors are consecutive")
                        .isEqualTo(versions.get(i - 1).minor() + 1);
                Version older = versions.get(i - 1);
                Version newer = versions.get(i);
                List<Violation> violations = SchemaCompatibility.check(older.file(), newer.file(), Schemas::schema);
                pairs++;
                violations.forEach(v -> failures.add(family.getKey() + " " + older.version() + " -> " + newer.version() + ": " + v));
            }
        }
        assertThat(failures).as("incompatible schema changes").isEmpty();
        assertThat(pairs).as("at least one family has two minor versions (rag.query.submitted 1.0 -> 1.1)").isPositive();
        System.out.println("COMPATIBILITY families=" + families.size() + " checkedPairs=" + pairs);
    }

    @Test
    void compatibleFixturePassesEveryRule() {
        assertThat(checkFixture("compatible")).isEmpty();
    }

    @Test
    void everyRuleHasAnIncompatibleFixtureThatFailsWithExactlyThatRule() throws IOException {
        Set<Rule> proven = EnumSet.noneOf(Rule.class);
        try (Stream<Path> dirs = Files.list(Schemas.resourceDir("compat"))) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (name.equals("compatible")) {
                    continue;
                }
                Rule expected = ruleOf(name);
                List<Violation> violations = checkFixture(name);
                assertThat(violations).as(name).isNotEmpty();
                assertThat(violations).as(name).allSatisfy(v -> assertThat(v.rule()).isEqualTo(expected));
                proven.add(expected);
            }
        }
        assertThat(proven).isEqualTo(EnumSet.allOf(Rule.class));
    }

    @Test
    void aRemoteRefIsAnError() {
        Map<String, JsonNode> files = Map.of(
                "a.json", json("{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"https://example.com/x.json\"}}}"),
                "b.json", json("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}"));
        assertThatThrownBy(() -> SchemaCompatibility.check("a.json", "b.json", files::get))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("remote");
    }

    private static List<Violation> checkFixture(String name) {
        Path dir = Schemas.resourceDir("compat").resolve(name);
        List<Violation> v = SchemaCompatibility.check("old.json", "new.json", f -> Schemas.read(dir.resolve(f)));
        v.forEach(x -> System.out.println(name + ": " + x));
        return v;
    }

    private static Rule ruleOf(String dirName) {
        Rule best = null;
        for (Rule r : Rule.values()) {
            if ((dirName.equals(r.name()) || dirName.startsWith(r.name() + "_VIA_"))
                    && (best == null || r.name().length() > best.name().length())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException("fixture folder " + dirName + " does not name a rule");
        }
        return best;
    }

    private static JsonNode json(String s) {
        try {
            return Schemas.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
