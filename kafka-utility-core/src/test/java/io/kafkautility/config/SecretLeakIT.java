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
import io.kafkautility.testkit.TestCertificateAuthority;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestHandler;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A whole run over SASL_PLAINTEXT, and over SASL_SSL with mutual TLS (connectivity check, produce, consume,
 * dead-letter, request-reply, a wrong password, a wrong key store password) with every log line, {@code toString()},
 * exception message, dead-letter header and metric tag captured: none contains the SASL password, a trust or key
 * store password or the JAAS configuration.
 */
class SecretLeakIT {

    private static final String PASSWORD = "Sup3r-S3cret-Passw0rd-4711";
    private static final String WRONG = "Wr0ng-S3cret-Passw0rd-0815";
    private static final String WRONG_STORE = "Wr0ng-St0re-Passw0rd-1234";

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(value = SecurityProtocol.class, names = {"SASL_PLAINTEXT", "SASL_SSL"})
    void noSecretInLogsToStringExceptionsHeadersOrMetricTags(SecurityProtocol protocol) throws Exception {
        boolean tls = protocol == SecurityProtocol.SASL_SSL;
        TestCertificateAuthority ca = tls ? TestCertificateAuthority.create(dir, "leak") : null;
        BrokerProcessOptions.Builder brokerBuilder = BrokerProcessOptions.builder()
                .clientSecurityProtocol(org.apache.kafka.common.security.auth.SecurityProtocol.forName(
                        protocol.name()))
                .serverProperty("sasl.enabled.mechanisms", "PLAIN")
                .serverProperty("listener.name.client.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\""
                                + PASSWORD + "\";")
                .clientProperty("security.protocol", protocol.name())
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required username=\"alice\" password=\"" + PASSWORD + "\";");
        Path clientKeystore = null;
        if (tls) {
            brokerBuilder.serverProperties(ca.serverSslProperties("CLIENT", ca.issueKeystore("broker")))
                    .serverProperty("listener.name.client.ssl.client.auth", "required");
            clientKeystore = ca.issueKeystore("alice");
            ca.clientSslProperties().forEach(brokerBuilder::clientProperty);
            brokerBuilder.clientProperty("ssl.keystore.location", clientKeystore.toString())
                    .clientProperty("ssl.keystore.type", "PKCS12")
                    .clientProperty("ssl.keystore.password", ca.password());
        }
        BrokerProcessOptions brokerOptions = brokerBuilder.build();
        List<String> secrets = new java.util.ArrayList<>(List.of(PASSWORD, WRONG, WRONG_STORE));
        if (tls) {
            secrets.add(ca.password());
        }
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
            KafkaConnectionOptions.Builder connectionBuilder = KafkaConnectionOptions.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .securityProtocol(protocol)
                    .saslMechanism("PLAIN")
                    .saslCredentials("alice", PASSWORD);
            if (tls) {
                connectionBuilder.sslTruststore(ca.truststore(), Secret.of(ca.password()))
                        .sslKeystore(clientKeystore, Secret.of(ca.password()))
                        .kafkaProperty("ssl.truststore.type", "PKCS12")
                        .kafkaProperty("ssl.keystore.type", "PKCS12");
            }
            KafkaConnectionOptions connection = connectionBuilder.build();
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

            // request-reply over the same connection: options, client, responder and a reply
            String requests = TopicNames.unique("secret-requests");
            broker.createTopic(requests, 1, (short) 1);
            ResponderOptions<String, String> responderOptions = ResponderOptions.builder(requests,
                            TopicNames.unique("secret-responders"), PayloadCodec.utf8(), PayloadCodec.utf8())
                    .connection(connection).name("secret-responder").build();
            RequestReplyOptions<String, String> clientOptions = RequestReplyOptions.builder(requests,
                            PayloadCodec.utf8(), PayloadCodec.utf8())
                    .connection(connection).clientName("secret-client").build();
            seen.append(responderOptions).append('\n').append(clientOptions).append('\n');
            try (Responder<String, String> responder = Responder.create(responderOptions,
                    RequestHandler.sync(q -> "echo:" + q));
                 RequestReplyClient<String, String> client = RequestReplyClient.create(clientOptions)) {
                responder.ready().get(60, TimeUnit.SECONDS);
                client.ready().get(60, TimeUnit.SECONDS);
                assertThat(client.request("hello").get(60, TimeUnit.SECONDS)).isEqualTo("echo:hello");
                seen.append(responder).append('\n').append(client).append('\n');
            }

            // a wrong password: the error says so, without the password
            KafkaConnectionOptions wrong = connection.toBuilder().saslCredentials("alice", WRONG).build();
            seen.append(wrong).append('\n');
            ConnectivityReport failed = ConnectivityCheck.builder(wrong).timeout(Duration.ofSeconds(10)).run();
            seen.append(failed).append('\n');
            assertThat(failed.isOk()).isFalse();
            assertThat(failed.issues()).as("%s", failed).extracting(ConnectivityIssue::problem)
                    .contains(ConnectivityProblem.AUTHENTICATION_FAILED);
            try {
                failed.throwIfFailed();
            } catch (RuntimeException e) {
                seen.append(messages(e));
            }
            if (tls) {
                // a wrong key store password: Kafka cannot load the store; the error names the store, not a password
                KafkaConnectionOptions badStore = connection.toBuilder()
                        .sslKeystore(clientKeystore, Secret.of(WRONG_STORE)).build();
                seen.append(badStore).append('\n');
                ConnectivityReport storeFailed = ConnectivityCheck.builder(badStore)
                        .timeout(Duration.ofSeconds(10)).run();
                seen.append(storeFailed).append('\n');
                assertThat(storeFailed.isOk()).as("%s", storeFailed).isFalse();
                assertThat(storeFailed.toString()).as("the report names the key store").contains("keystore");
                try (KafkaClientPool pool = KafkaClientPool.create()) {
                    try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(badStore)
                            .source("secret-it").build())) {
                        seen.append(producer).append('\n');
                    } catch (RuntimeException e) {
                        seen.append(messages(e));
                    }
                }
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String captured = seen + "\n" + logs.toString(StandardCharsets.UTF_8);
        assertThat(captured).as("captured text is not empty").contains("alice");
        assertThat(logs.size()).as("log lines were captured").isGreaterThan(0);
        assertThat(captured).doesNotContain(secrets.toArray(String[]::new)).doesNotContain("PlainLoginModule");
        System.out.println(protocol + ": captured " + captured.length() + " characters of logs, toString, exception "
                + "messages, headers and metric tags; no secret found");
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
