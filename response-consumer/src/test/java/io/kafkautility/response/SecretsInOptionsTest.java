package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.config.Secret;
import io.kafkautility.config.Secrets;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.ResponderOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * Every options class, given every secret Kafka knows (each PASSWORD-typed key of the producer, consumer and admin
 * configs, {@code sasl.jaas.config}, {@code ssl.keystore.key}) plus SASL, TLS store and registry passwords, shows none of
 * them in {@code toString()} (which is what their log lines print). Before one rule was shared, the response consumer's
 * options showed {@code ssl.keystore.key}.
 */
class SecretsInOptionsTest {

    /** Every secret key, each with a value of its own that must never be printed. */
    static Map<String, String> secrets() {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef())) {
            def.configKeys().forEach((k, v) -> {
                if (v.type == ConfigDef.Type.PASSWORD) {
                    secrets.put(k, "S3CRET-" + k.replace('.', '-'));
                }
            });
        }
        secrets.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"u\" password=\"S3CRET-jaas\";");
        secrets.put("ssl.keystore.key", "S3CRET-pem-key");
        return secrets;
    }

    @Test
    void noOptionsClassShowsAnySecret(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Map<String, String> secrets = secrets();
        assertThat(secrets).containsKeys("ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
                "ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates", "sasl.jaas.config");
        secrets.keySet().forEach(k -> assertThat(Secrets.isSecretKey(k)).as(k).isTrue());

        Path keystore = java.nio.file.Files.createFile(dir.resolve("k.p12"));
        Path truststore = java.nio.file.Files.createFile(dir.resolve("t.p12"));
        KafkaConnectionOptions.Builder cb = KafkaConnectionOptions.builder().bootstrapServers("b:9092")
                .saslMechanism("PLAIN").saslCredentials("user", "S3CRET-sasl-password")
                .sslKeystore(keystore, Secret.of("S3CRET-keystore"))
                .sslTruststore(truststore, Secret.of("S3CRET-truststore"));
        secrets.forEach((k, v) -> {
            if (k.equals("sasl.jaas.config")) {
                return; // the connection builds it from saslCredentials; the raw options below get this one
            }
            try {
                cb.kafkaProperty(k, v);
            } catch (io.kafkautility.config.ConfigurationException typed) {
                // a key the connection builder owns (the stores' passwords, the JAAS config): set typed above
            }
        });
        // a configuration error names the problems, never the secrets
        Throwable invalid = org.assertj.core.api.Assertions.catchThrowable(cb::build);
        assertThat(invalid).isInstanceOf(io.kafkautility.config.ConfigurationException.class);
        assertThat(invalid.getMessage()).contains("securityProtocol is PLAINTEXT").doesNotContain("S3CRET");
        KafkaConnectionOptions connection = cb.securityProtocol(io.kafkautility.config.SecurityProtocol.SASL_SSL)
                .build();

        Map<String, Object> raw = new LinkedHashMap<>(connection.clientProperties());
        raw.putAll(secrets);
        SchemaRegistryOptions registry = SchemaRegistryOptions.builder("http://registry:8081")
                .basicAuth("user", "S3CRET-registry").build();
        ResponseConsumerOptions.Builder rb = ResponseConsumerOptions.builder().schemaRegistry(registry);
        raw.forEach(rb::kafkaProperty);

        ProducerOptions.Builder pb = ProducerOptions.builder(connection).source("svc");
        secrets.forEach(pb::kafkaProperty);
        ConsumerOptions.Builder kb = ConsumerOptions.builder(connection, "g", "t").handler("rag.test", (m, c) -> { });
        secrets.forEach(kb::kafkaProperty);
        List<Object> all = List.of(connection,
                pb.build(),
                kb.build(),
                RequestReplyOptions.builder("requests", PayloadCodec.utf8(), PayloadCodec.utf8())
                        .kafkaProperties(raw).build(),
                ResponderOptions.builder(List.of("requests"), "g", PayloadCodec.utf8(), PayloadCodec.utf8())
                        .kafkaProperties(raw).build(),
                registry,
                rb.build(),
                SessionManagerOptions.builder().sessionKeys(SessionKeys.from(Map.of(SessionKeys.ENV_KEY,
                        "S3CRETS3CRETS3CRETS3CRETS3CRETS3CRETS3CRETS3CRET"))).authenticator(JwtAuthenticator.builder()
                        .hmacSecret("S3CRET-S3CRET-S3CRET-S3CRET-S3CRET".getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)).build()).build());
        for (Object options : all) {
            String text = options.toString();
            assertThat(text).as(options.getClass().getSimpleName()).doesNotContain("S3CRET");
        }
        System.out.printf("SECRETS %d secret keys x %d options classes: none shown%n", secrets.size() + 4,
                all.size());
    }
}
