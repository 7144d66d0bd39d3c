package io.kafkautility.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.spring.internal.PropertyNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * A Boot user's mistakes get Boot's failure report, in the user's terms: a bad protocol, SASL settings with PLAINTEXT,
 * a missing bootstrap and a mistyped key each name the {@code kafka-utility.*} property (never an environment variable
 * the application did not use, never a secret's value); the metadata lists every property with a description. On a
 * real broker (the application's bootstrap servers are the test cluster's).
 */
@KafkaTest
class KafkaUtilityFailureReportIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaUtilityAutoConfiguration.class));

    private FailureAnalysis failure(String... properties) {
        List<FailureAnalysis> analysis = new ArrayList<>();
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis.add(new KafkaUtilityFailureAnalyzer().analyze(context.getStartupFailure()));
        });
        assertThat(analysis.get(0)).as("the analyzer recognised the failure").isNotNull();
        return analysis.get(0);
    }

    @Test
    void aBadProtocolIsReportedUnderItsPropertyNotAnEnvironmentVariable(KafkaCluster cluster) {
        FailureAnalysis a = failure("kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                "kafka-utility.security-protocol=PLAINTXT");
        assertThat(a.getDescription()).contains("kafka-utility.security-protocol", "PLAINTXT", "SASL_SSL")
                .doesNotContain("KAFKA_SECURITY_PROTOCOL");
        assertThat(a.getAction()).contains("kafka-utility.*");
    }

    @Test
    void saslSettingsWithPlaintextNameTheirPropertiesAndNeverThePassword(KafkaCluster cluster) {
        FailureAnalysis a = failure("kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                "kafka-utility.sasl-username=app", "kafka-utility.sasl-password=S3CRET-never-shown");
        assertThat(a.getDescription()).contains("kafka-utility.security-protocol", "SASL")
                .doesNotContain("S3CRET").doesNotContain("KAFKA_SASL");
    }

    @Test
    void aMissingBootstrapNamesTheProperty() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(KafkaConnectionOptions.ENV_BOOTSTRAP_SERVERS)
                == null, "KAFKA_BOOTSTRAP_SERVERS is set in this environment");
        FailureAnalysis a = failure("kafka-utility.client-id=app");
        assertThat(a.getDescription()).contains("kafka-utility.bootstrap-servers is required");
    }

    @Test
    void aMistypedKeyIsRefusedWithTheNearestValidOneAndAnUnknownKafkaKeyOnlyWarns(KafkaCluster cluster) {
        FailureAnalysis a = failure("kafka-utility.bootstrap-server=" + cluster.bootstrapServers());
        assertThat(a.getDescription()).contains("kafka-utility.bootstrap-server ", "is not a kafka-utility property",
                "did you mean kafka-utility.bootstrap-servers?");
        FailureAnalysis camel = failure("kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                "kafka-utility.securityProtocoll=SSL");
        assertThat(camel.getDescription()).contains("kafka-utility.securityProtocoll",
                "did you mean kafka-utility.security-protocol?");
        runner.withPropertyValues("kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                "kafka-utility.bootstrapServers=" + cluster.bootstrapServers(), // relaxed binding: the same property
                "kafka-utility.kafka.compresion.type=zstd")
                .run(context -> assertThat(context).as("an unknown Kafka key only warns").hasNotFailed());
    }

    @Test
    void bootsOwnFailureReportIsOursAndNamesTheProperty(KafkaCluster cluster) {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
                .contains(KafkaUtilityFailureAnalyzer.class.getName());
        CapturingFailureAnalysisReporter.REPORTED.clear();
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        try {
            app.run("--kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                    "--kafka-utility.security-protocol=PLAINTXT", "--spring.main.banner-mode=off");
            throw new AssertionError("the application started");
        } catch (org.springframework.beans.factory.BeanCreationException expected) {
            // Boot reported it first: what it reported is what counts
        }
        assertThat(CapturingFailureAnalysisReporter.REPORTED).as("Boot's failure report").hasSize(1);
        FailureAnalysis report = CapturingFailureAnalysisReporter.REPORTED.get(0);
        assertThat(report.getDescription()).startsWith("kafka-utility could not be configured")
                .contains("kafka-utility.security-protocol must be one of").doesNotContain("KAFKA_SECURITY_PROTOCOL");
        System.out.println("BOOT REPORT\nDescription:\n" + report.getDescription() + "\nAction:\n"
                + report.getAction());
    }

    @Test
    void theMetadataListsEveryPropertyWithADescriptionAndHintsForTheEnumerations() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode p : metadata.path("properties")) {
            names.add(p.path("name").asText());
            assertThat(p.path("description").asText()).as(p.path("name").asText()).isNotBlank();
        }
        List<String> expected = new ArrayList<>(PropertyNames.all());
        expected.add(PropertyNames.KAFKA);
        assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
        List<String> hinted = new ArrayList<>();
        metadata.path("hints").forEach(h -> hinted.add(h.path("name").asText()));
        assertThat(hinted).contains("kafka-utility.security-protocol", "kafka-utility.sasl-mechanism");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(KafkaUtilityAutoConfiguration.class)
    static class App {
    }
}
