package io.kafkautility.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The layering of the published modules, on their bytecode (this module has them all on its class path): the typed
 * clients and the response consumer use only core's public API (nothing of {@code io.kafkautility.internal}); core
 * depends on no client; nothing of ours outside the testkit uses the testkit; and no payload type is defined twice
 * (the query and LLM clients once had drifted copies of ContextChunk and TokenUsage).
 */
class LayeringTest {

    private static final JavaClasses PUBLISHED = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kafkautility");

    @Test
    void clientsAndTheResponseConsumerUseOnlyCoresPublicApi() {
        noClasses().that().resideInAnyPackage("io.kafkautility.client.document..", "io.kafkautility.client.query..",
                        "io.kafkautility.client.llm..", "io.kafkautility.response..")
                .should().dependOnClassesThat().resideInAPackage("io.kafkautility.internal..")
                .because("client modules build on core's public API only; core's internal package may change in "
                        + "any release")
                .check(PUBLISHED);
    }

    @Test
    void coreDependsOnNoClientNorTheResponseConsumerNorTheTestkit() {
        noClasses().that().resideInAnyPackage("io.kafkautility", "io.kafkautility.avro..", "io.kafkautility.client",
                        "io.kafkautility.config..", "io.kafkautility.consumer..", "io.kafkautility.deadletter..",
                        "io.kafkautility.health..", "io.kafkautility.internal..", "io.kafkautility.serde..",
                        "io.kafkautility.tracing..",
                        "io.kafkautility.message..", "io.kafkautility.metrics..", "io.kafkautility.producer..",
                        "io.kafkautility.rag..", "io.kafkautility.requestreply..", "io.kafkautility.validation..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kafkautility.client.document..",
                        "io.kafkautility.client.query..", "io.kafkautility.client.llm..", "io.kafkautility.response..",
                        "io.kafkautility.testkit..", "io.kafkautility.examples..")
                .because("dependencies point one way: schemas <- core <- clients / response-consumer <- examples")
                .check(PUBLISHED);
    }

    @Test
    void noPublishedModuleUsesTheTestkitOrTheExamples() {
        noClasses().that().resideOutsideOfPackages("io.kafkautility.testkit..", "io.kafkautility.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kafkautility.testkit..",
                        "io.kafkautility.examples..")
                .check(PUBLISHED);
    }

    @Test
    void noPublicTypeIsDefinedTwiceUnderOneSimpleNameAcrossTheClients() {
        List<String> duplicated = PUBLISHED.stream()
                .filter(c -> c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
                .filter(c -> c.getPackageName().startsWith("io.kafkautility.client.")
                        || c.getPackageName().startsWith("io.kafkautility.rag"))
                .filter(c -> !c.getPackageName().contains(".internal") && !c.isNestedClass())
                .collect(java.util.stream.Collectors.groupingBy(c -> c.getSimpleName(),
                        java.util.stream.Collectors.mapping(c -> c.getName(), java.util.stream.Collectors.toList())))
                .values().stream().filter(names -> names.size() > 1).map(Object::toString).toList();
        Assertions.assertThat(duplicated).as("types the clients share are defined once (io.kafkautility.rag)")
                .isEmpty();
    }
}
