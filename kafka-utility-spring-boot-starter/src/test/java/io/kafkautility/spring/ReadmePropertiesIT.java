package io.kafkautility.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The README's {@code application.properties} example, as a file: the README shows it verbatim, and an application
 * started with it (its bootstrap servers pointed at the test broker, the password placeholder resolved) starts, with
 * every setting in effect. Its end-of-line comment once broke the context when copied.
 */
@KafkaTest
class ReadmePropertiesIT {

    @Test
    void theReadmesPropertiesAreThisFileAndAnApplicationStartsWithThem(KafkaCluster cluster) throws Exception {
        String file;
        try (InputStream in = getClass().getResourceAsStream("/readme-application.properties")) {
            file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).as("the README shows the tested file").contains("```properties\n" + file + "```");
        Properties properties = new Properties();
        properties.load(new java.io.StringReader(file));
        List<String> values = new ArrayList<>();
        properties.forEach((k, v) -> values.add(k + "=" + (k.equals("kafka-utility.bootstrap-servers")
                ? cluster.bootstrapServers() : v)));
        values.add("KAFKA_PASSWORD=not-a-real-password");
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KafkaUtilityAutoConfiguration.class))
                .withPropertyValues(values.toArray(String[]::new)).run(context -> {
                    assertThat(context).hasNotFailed();
                    KafkaConnectionOptions c = context.getBean(KafkaConnectionOptions.class);
                    assertThat(c.clientProperties()).containsEntry("compression.type", "zstd")
                            .containsEntry("security.protocol", "SASL_SSL")
                            .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
                    assertThat(c.toString()).doesNotContain("not-a-real-password");
                });
    }
}
