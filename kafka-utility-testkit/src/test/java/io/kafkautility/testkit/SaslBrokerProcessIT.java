package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** The security seam of {@link KafkaBrokerProcess}: a SASL_PLAINTEXT/PLAIN client listener. */
class SaslBrokerProcessIT {
    private static final String JAAS_USER = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"%s\" password=\"%s\";";

    @Test
    void saslPlainListenerAcceptsGoodAndRejectsBadCredentials() throws Exception {
        BrokerProcessOptions options = BrokerProcessOptions.builder()
                .clientSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .serverProperty("sasl.enabled.mechanisms", "PLAIN")
                .serverProperty("listener.name.client.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "user_alice=\"alice-secret\";")
                .clientProperty("security.protocol", "SASL_PLAINTEXT")
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", String.format(JAAS_USER, "alice", "alice-secret"))
                .build();
        assertThat(options.toString()).doesNotContain("alice-secret");
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew(options)) {
            assertThat(broker.toString()).doesNotContain("alice-secret");
            String topic = TopicNames.unique("sasl");
            broker.createTopic(topic, 1, (short) 1);
            try (KafkaProducer<String, String> p = Clients.producer(broker, Map.of());
                    KafkaConsumer<String, String> c = Clients.consumer(broker, TopicNames.unique("g"))) {
                p.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
                c.subscribe(List.of(topic));
                assertThat(Clients.consume(c, 1, Duration.ofSeconds(60))).hasSize(1);
            }
            long t0 = System.nanoTime();
            try (KafkaProducer<String, String> bad = Clients.producer(broker, Map.of(
                    "sasl.jaas.config", String.format(JAAS_USER, "alice", "wrong"),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
                assertThatThrownBy(() -> bad.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class, SaslAuthenticationException.class)
                        .satisfies(e -> assertThat(e instanceof ExecutionException ? e.getCause() : e)
                                .isInstanceOf(SaslAuthenticationException.class));
            }
            System.out.printf("wrong password rejected in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
