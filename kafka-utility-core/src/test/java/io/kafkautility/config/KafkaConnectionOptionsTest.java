package io.kafkautility.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionOptionsTest {

    private static final String SECRET = "s3cr3t-P@ss";

    @Test
    void builderValuesWinOverEnvironmentWhichWinsOverDotEnv(@TempDir Path dir) throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, """
                # comment
                export KAFKA_BOOTSTRAP_SERVERS=dotenv:9092
                KAFKA_CLIENT_ID="from-dotenv"
                KAFKA_CONSUMER_GROUP_ID=group-from-dotenv # trailing comment
                """);
        EnvironmentSource env = EnvironmentSource.firstOf(
                EnvironmentSource.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env1:9092,env2:9093", "KAFKA_CLIENT_ID", "from-env")),
                EnvironmentSource.dotEnv(dotEnv));

        KafkaConnectionOptions fromEnv = KafkaConnectionOptions.fromEnvironment(env).build();
        assertThat(fromEnv.bootstrapServers()).containsExactly("env1:9092", "env2:9093");
        assertThat(fromEnv.clientId()).contains("from-env");
        assertThat(fromEnv.consumerGroupId()).contains("group-from-dotenv");

        KafkaConnectionOptions builderWins = KafkaConnectionOptions.fromEnvironment(env)
                .bootstrapServers("builder:9092").clientId("from-builder").build();
        assertThat(builderWins.bootstrapServers()).containsExactly("builder:9092");
        assertThat(builderWins.clientId()).contains("from-builder");
        assertThat(builderWins.clientProperties()).containsEntry("bootstrap.servers", "builder:9092")
                .containsEntry("client.id", "from-builder").containsEntry("security.protocol", "PLAINTEXT");
    }

    @Test
    void plainBuilderReadsNoEnvironment() {
        assertThatThrownBy(() -> KafkaConnectionOptions.builder().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bootstrapServers is required");
    }

    @Test
    void saslFromEnvironmentBuildsJaasAsHiddenPassword() {
        KafkaConnectionOptions o = KafkaConnectionOptions.fromEnvironment(EnvironmentSource.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "b:9094",
                "KAFKA_SECURITY_PROTOCOL", "sasl_plaintext",
                "KAFKA_SASL_MECHANISM", "scram-sha-512",
                "KAFKA_SASL_USERNAME", "alice",
                "KAFKA_SASL_PASSWORD", SECRET))).build();
        Map<String, Object> props = o.clientProperties();
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(props.get("sasl.jaas.config")).isInstanceOf(Password.class);
        assertThat(((Password) props.get("sasl.jaas.config")).value())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"" + SECRET + "\";");
        assertThat(props.toString()).doesNotContain(SECRET).contains("[hidden]");
        assertThat(o.toString()).doesNotContain(SECRET).contains("saslPassword=[hidden]").contains("alice");
        assertThat(o.saslPassword().orElseThrow().toString()).isEqualTo("[hidden]");
    }

    @Test
    void rawPropertiesPassThroughAndRawPasswordsAreHidden() {
        KafkaConnectionOptions o = KafkaConnectionOptions.builder().bootstrapServers("b:9092")
                .kafkaProperty(ProducerConfig.LINGER_MS_CONFIG, 0)
                .kafkaProperty("ssl.key.password", SECRET)
                .build();
        assertThat(o.clientProperties()).containsEntry("linger.ms", 0);
        assertThat(o.clientProperties().get("ssl.key.password")).isInstanceOf(Password.class);
        assertThat(o.toString()).contains("linger.ms=0").doesNotContain(SECRET);
        assertThat(o.kafkaProperties()).containsEntry("linger.ms", 0);
    }

    @Test
    void bootstrapMayComeFromRawProperty() {
        KafkaConnectionOptions o = KafkaConnectionOptions.builder().kafkaProperty("bootstrap.servers", "x:1,y:2").build();
        assertThat(o.bootstrapServers()).containsExactly("x:1", "y:2");
        assertThat(o.clientProperties()).containsEntry("bootstrap.servers", "x:1,y:2");
    }

    @Test
    void everyProblemIsListedInOneException() {
        EnvironmentSource env = EnvironmentSource.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "nohost,h:99999",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_PASSWORD", SECRET,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/does/not/exist.jks",
                "KAFKA_SCHEMA_REGISTRY_URL", "ftp://user:" + SECRET + "@registry"));
        assertThatThrownBy(() -> KafkaConnectionOptions.fromEnvironment(env).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("must be host:port but was 'nohost'"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("port must be in 1..65535 but was 99999"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("saslMechanism is required"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("saslUsername is required"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("sslTruststoreLocation must be a readable file"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("schemaRegistryUrl must be an absolute http(s) URL"));
                    assertThat(e.getMessage()).contains("6 problems").doesNotContain(SECRET);
                });
    }

    @Test
    void inconsistentSecuritySettingsAreRejected() {
        assertThatThrownBy(() -> KafkaConnectionOptions.builder().bootstrapServers("b:1")
                .saslMechanism("PLAIN").saslCredentials("u", SECRET).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SASL settings are set but securityProtocol is PLAINTEXT")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> KafkaConnectionOptions.builder().bootstrapServers("b:1")
                .sslTruststore(Path.of("/tmp"), Secret.of(SECRET)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TLS trust/key store is set but securityProtocol is PLAINTEXT");
    }

    @Test
    void badValuesAreRejectedAtTheCall() {
        KafkaConnectionOptions.Builder b = KafkaConnectionOptions.builder();
        assertThatThrownBy(() -> b.bootstrapServers("h:0")).hasMessageContaining("port must be in 1..65535 but was 0");
        assertThatThrownBy(() -> b.saslMechanism("GSSAPI")).hasMessageContaining("but was 'GSSAPI'");
        assertThatThrownBy(() -> b.clientId(" ")).hasMessageContaining("clientId must not be blank");
        assertThatThrownBy(() -> b.kafkaProperty("security.protocol", "SSL")).hasMessageContaining("typed setting");
        assertThatThrownBy(() -> b.schemaRegistryUrl("not a url")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> SecurityProtocol.parse("TLS")).hasMessageContaining("but was 'TLS'");
    }

    @Test
    void malformedDotEnvListsLinesWithoutValues(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(".env");
        Files.writeString(f, "GOOD=1\nthis line has no equals " + SECRET + "\n1BAD=" + SECRET + "\n");
        assertThatThrownBy(() -> EnvironmentSource.dotEnv(f))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).containsExactly(f + " line 2: expected KEY=VALUE", f + " line 3: invalid variable name");
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                });
        assertThat(EnvironmentSource.dotEnv(dir.resolve("missing.env")).get("GOOD")).isEmpty();
    }

    @Test
    void toBuilderDerivesAndEqualityUsesValues() {
        KafkaConnectionOptions a = KafkaConnectionOptions.builder().bootstrapServers(List.of("a:1")).clientId("c").build();
        KafkaConnectionOptions b = a.toBuilder().build();
        assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.toBuilder().clientId("d").build()).isNotEqualTo(a);
    }
}
