package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kafka-utility-bom has no parent (an imported BOM brings its parent's dependencyManagement along), so it states the
 * versions itself: they must be the ones the build uses, and it must list every published module.
 */
class BomVersionsTest {

    @Test
    void theBomStatesTheVersionsTheBuildUsesAndEveryPublishedModule() throws Exception {
        String parent = Files.readString(Path.of("..", "pom.xml"));
        String bom = Files.readString(Path.of("..", "kafka-utility-bom", "pom.xml"));
        for (String property : new String[] {"jackson.version", "kafka.version", "avro.version", "slf4j.version",
                "opentelemetry.version", "nimbus-jose-jwt.version"}) {
            assertThat(property(bom, property)).as(property).isEqualTo(property(parent, property));
        }
        assertThat(property(bom, "kafka-utility.version")).isEqualTo(projectVersion(parent));
        List<String> published = List.of("kafka-utility-schemas", "kafka-utility-core", "client-document-service",
                "client-query-service", "client-llm-service", "response-consumer", "kafka-utility-testkit",
                "kafka-utility-spring-boot-starter");
        for (String module : published) {
            assertThat(bom).as(module).contains("<artifactId>" + module + "</artifactId>");
            assertThat(parent).as(module + " is a module").contains("<module>" + module + "</module>");
        }
        // the drop-in check builds a fresh project on each of exactly these
        String script = Files.readString(Path.of("..", "scripts", "dropin-check.sh"));
        Matcher artifacts = Pattern.compile("ARTIFACTS=\\(([^)]*)\\)").matcher(script);
        assertThat(artifacts.find()).isTrue();
        assertThat(artifacts.group(1).trim().split("\\s+")).containsExactlyInAnyOrderElementsOf(published);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as(name + " in pom").isTrue();
        return m.group(1).trim();
    }

    private static String projectVersion(String parentPom) {
        Matcher m = Pattern.compile("<artifactId>kafka-utility-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parentPom);
        assertThat(m.find()).isTrue();
        return m.group(1).trim();
    }
}
