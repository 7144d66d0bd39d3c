package io.kafkautility.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A whole run over SASL (connectivity check, produce, consume, dead-letter, a wrong password) with every log line,
 * {@code toString()}, exception message, dead-letter header and metric tag captured: none contains the password or
 * the JAAS configuration.
 */
class SecretLeakIT {

    private static final String PASSWORD = "Sup3r-S3cret-Passw0rd-4711";
    private static final String WRONG = "Wr0ng-S3cret-Passw0rd-0815";

    @Test
    void noSecretInLogsToStringExceptionsHeadersOrMetricTags() throws Exception {
        BrokerProcessOptions brokerOptions = BrokerProcessOptions.builder()
                .clientSecurityProtocol(org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT)
                .serverProperty("sasl.enabled.mechanisms", "PLAIN")
                .serverProperty("listener.name.client.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\""
                                + PASSWORD + "\";")
                .clientProperty("security.protocol", "SASL_PLAINTEXT")
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required username=\"alice\" password=\"" + PASSWORD + "\";")
                .build();
        StringBuilder seen = new StringBuilder();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        PrintStream tee = new PrintStream(new TeeStream(logs, originalErr), true, StandardCharsets.UTF_8);
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew(brokerOptions)) {
            String topic = TopicNames.unique("secret");
            broker.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(topic + ".DLT", 1,
                    (short) 1)));
            System.setErr(tee);
            System.setOut(tee);
            KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .securityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .saslMechanism("PLAIN")
                    .saslCredentials("alice", PASSWORD)
                    .build();
            seen.append(connection).append('\n');
            ConnectivityReport ok = ConnectivityCheck.builder(connection).writeTopics(topic).run();
            seen.append(ok).append('\n');
            assertThat(ok.isOk()).as("%s", ok).isTrue();

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (KafkaClientPool pool = KafkaClientPool.create()) {
                pool.metrics().bindTo(registry);
                ProducerOptions producerOptions = ProducerOptions.builder(connection).source("secret-it").build();
                seen.append(producerOptions).append('\n');
                try (MessageProducer producer = pool.newProducer(producerOptions)) {
                    seen.append(producer).append('\n');
                    producer.send(topic, "d-1", MessageTypes.DOCUMENT_DELETED, new com.fasterxml.jackson.databind
                            .ObjectMapper().readTree("{\"documentId\":\"d-1\",\"deletedAt\":\"2026-11-22T10:00:00Z\"}"))
                            .join();
                    try {
                        producer.send(topic, "d-2", MessageTypes.DOCUMENT_DELETED, new com.fasterxml.jackson
                                .databind.ObjectMapper().readTree("{\"documentId\":\"d-2\"}")).join();
                    } catch (RuntimeException e) {
                        seen.append(messages(e));
                    }
                }
                // a record the consumer must dead-letter
                Properties raw = new Properties();
                raw.putAll(broker.clientProperties());
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(raw, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    p.send(new ProducerRecord<>(topic, "{broken".getBytes(StandardCharsets.UTF_8))).get();
                }
                ConsumerOptions consumerOptions = ConsumerOptions.builder(connection, TopicNames.unique("g"), topic)
                        .pool(pool).handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> { }).build();
                seen.append(consumerOptions).append('\n');
                try (MessageConsumer consumer = MessageConsumer.create(consumerOptions).start()) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.completedCount() == 2);
                    seen.append(consumer).append('\n');
                }
                for (Meter meter : registry.getMeters()) {
                    seen.append(meter.getId()).append('\n');
                }
                Properties read = new Properties();
                read.putAll(broker.clientProperties());
                read.put("group.id", TopicNames.unique("reader"));
                read.put("auto.offset.reset", "earliest");
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(read, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    c.subscribe(List.of(topic + ".DLT"));
                    List<ConsumerRecord<byte[], byte[]>> dead = new java.util.ArrayList<>();
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        c.poll(Duration.ofMillis(200)).forEach(dead::add);
                        return !dead.isEmpty();
                    });
                    for (Header h : dead.get(0).headers()) {
                        seen.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8))
                                .append('\n');
                    }
                    assertThat(dead.get(0).headers().lastHeader(MessageHeaders.DLT_REASON)).isNotNull();
                }
            }

            // a wrong password: the error says so, without the password
            KafkaConnectionOptions wrong = connection.toBuilder().saslCredentials("alice", WRONG).build();
            seen.append(wrong).append('\n');
            ConnectivityReport failed = ConnectivityCheck.builder(wrong).timeout(Duration.ofSeconds(10)).run();
            seen.append(failed).append('\n');
            assertThat(failed.isOk()).isFalse();
            try {
                failed.throwIfFailed();
            } catch (RuntimeException e) {
                seen.append(messages(e));
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String captured = seen + "\n" + logs.toString(StandardCharsets.UTF_8);
        assertThat(captured).as("captured text is not empty").contains("alice");
        assertThat(logs.size()).as("log lines were captured").isGreaterThan(0);
        assertThat(captured).doesNotContain(PASSWORD).doesNotContain(WRONG).doesNotContain("PlainLoginModule");
        System.out.println("captured " + captured.length() + " characters of logs, toString, exception messages, "
                + "headers and metric tags; no secret found");
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    /** Writes to both streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
