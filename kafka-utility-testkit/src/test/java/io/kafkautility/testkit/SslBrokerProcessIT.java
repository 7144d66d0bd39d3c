package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSL and SASL_SSL + ACL through the broker process's security seam. */
class SslBrokerProcessIT {
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required ";

    @Test
    void saslSslWithAclsTrustsItsCaRejectsOthersAndDeniesUnauthorisedTopics(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        TestCertificateAuthority ca = TestCertificateAuthority.create(dir, "good");
        Path keystore = ca.issueKeystore("broker");
        TestCertificateAuthority other = TestCertificateAuthority.create(dir, "other");
        System.out.printf("two CAs and a broker keystore made in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(ca.toString()).doesNotContain(ca.password());

        BrokerProcessOptions.Builder b = BrokerProcessOptions.builder()
                .clientSecurityProtocol(SecurityProtocol.SASL_SSL)
                .serverProperties(ca.serverSslProperties("CLIENT", keystore))
                .serverProperty("sasl.enabled.mechanisms", "PLAIN")
                .serverProperty("listener.name.client.plain.sasl.jaas.config",
                        PLAIN + "user_admin=\"admin-secret\" user_bob=\"bob-secret\";")
                .serverProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .serverProperty("super.users", "User:admin")
                .clientProperty("security.protocol", "SASL_SSL")
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", PLAIN + "username=\"admin\" password=\"admin-secret\";");
        ca.clientSslProperties().forEach(b::clientProperty);
        BrokerProcessOptions options = b.build();
        assertThat(options.toString()).doesNotContain(ca.password()).doesNotContain("admin-secret");

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew(options)) {
            System.out.printf("SASL_SSL broker with authorizer ready in %d ms%n",
                    broker.lastStartDuration().toMillis());
            String topic = TopicNames.unique("secure");
            broker.createTopic(topic, 1, (short) 1);
            try (KafkaProducer<String, String> admin = Clients.producer(broker, Map.of())) {
                admin.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
            }

            Map<String, Object> bob = new HashMap<>(Map.of(
                    "sasl.jaas.config", PLAIN + "username=\"bob\" password=\"bob-secret\";",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
            try (KafkaProducer<String, String> p = Clients.producer(broker, bob)) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(e instanceof ExecutionException ? e.getCause() : e)
                                .isInstanceOf(TopicAuthorizationException.class));
            }

            Map<String, Object> untrusting = new HashMap<>(other.clientSslProperties());
            untrusting.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            long t1 = System.nanoTime();
            try (KafkaProducer<String, String> p = Clients.producer(broker, untrusting)) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(e instanceof ExecutionException ? e.getCause() : e)
                                .isInstanceOf(SslAuthenticationException.class));
            }
            System.out.printf("untrusted certificate rejected in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertThat(broker.logTail(2_000)).doesNotContain(ca.password());
        }
    }
}
