package io.kafkautility.reliability;

import static io.kafkautility.reliability.BadInputSupport.count;
import static io.kafkautility.reliability.BadInputSupport.deleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.config.Secret;
import io.kafkautility.consumer.ConsumerException;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.internal.producer.SendFailures;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.CircuitState;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TestCertificateAuthority;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security failures through the library's producer and consumer against a SASL_SSL broker process with an authorizer:
 * wrong password, missing topic WRITE / topic READ / group READ ACLs, a PLAINTEXT client on the TLS port and an
 * untrusted broker certificate. Each gives a typed, non-retried error naming the cause within a few seconds; the
 * consumer reports it (error listener, {@code ready()}) and backs off instead of spinning.
 */
class SecurityIT {

    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required ";
    /** The bound every security error must arrive within. */
    private static final Duration BOUND = Duration.ofSeconds(15);
    /** The window over which a failing consumer must not spin, and the most client failures allowed in it. */
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int MAX_FAILURES_IN_WINDOW = 4;

    @TempDir
    static Path dir;
    static TestCertificateAuthority ca;
    static TestCertificateAuthority otherCa;
    static KafkaBrokerProcess broker;
    static String topic;
    static String bobTopic;

    @BeforeAll
    static void startBroker() throws Exception {
        ca = TestCertificateAuthority.create(dir, "good");
        otherCa = TestCertificateAuthority.create(dir, "other");
        Path keystore = ca.issueKeystore("broker");
        BrokerProcessOptions.Builder b = BrokerProcessOptions.builder()
                .clientSecurityProtocol(SecurityProtocol.SASL_SSL)
                .serverProperties(ca.serverSslProperties("CLIENT", keystore))
                .serverProperty("sasl.enabled.mechanisms", "PLAIN")
                .serverProperty("listener.name.client.plain.sasl.jaas.config", PLAIN + "user_admin=\"admin-secret\" "
                        + "user_alice=\"alice-secret\" user_bob=\"bob-secret\" user_carol=\"carol-secret\" "
                        + "user_dave=\"dave-secret\" user_erin=\"erin-secret\";")
                .serverProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .serverProperty("super.users", "User:admin")
                .serverProperty("group.initial.rebalance.delay.ms", "0")
                .clientProperty("security.protocol", "SASL_SSL")
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", PLAIN + "username=\"admin\" password=\"admin-secret\";");
        ca.clientSslProperties().forEach(b::clientProperty);
        broker = KafkaBrokerProcess.startNew(b.build());
        topic = TopicNames.unique("secure");
        bobTopic = TopicNames.unique("bob-own");
        broker.createTopic(topic, 1, (short) 1);
        broker.createTopic(topic + ".DLT", 1, (short) 1);
        broker.createTopic(bobTopic, 1, (short) 1);
        try (Admin admin = broker.admin()) {
            admin.createAcls(List.of(
                    // alice: the positive control, may write and read the topic with groups alice-*
                    allow("alice", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE),
                    allow("alice", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ),
                    allow("alice", ResourceType.GROUP, "alice-", PatternType.PREFIXED, AclOperation.READ),
                    // bob: may write his own topic only (so the idempotent producer is allowed), read the topic
                    allow("bob", ResourceType.TOPIC, bobTopic, PatternType.LITERAL, AclOperation.WRITE),
                    allow("bob", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ),
                    // carol: may read the topic but use no group
                    allow("carol", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ),
                    // dave: may use groups dave-* but read no topic
                    allow("dave", ResourceType.GROUP, "dave-", PatternType.PREFIXED, AclOperation.READ)))
                    .all().get();
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
                                    AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaConnectionOptions.Builder base() {
        return KafkaConnectionOptions.builder().bootstrapServers(broker.bootstrapServers())
                .kafkaProperty("ssl.truststore.type", "PKCS12");
    }

    private static KafkaConnectionOptions saslSsl(String user, String password) {
        return base().securityProtocol(io.kafkautility.config.SecurityProtocol.SASL_SSL)
                .sslTruststore(ca.truststore(), Secret.of(ca.password()))
                .saslMechanism("PLAIN").saslCredentials(user, password).build();
    }

    private static KafkaConnectionOptions plaintext() {
        return base().build();
    }

    private static KafkaConnectionOptions untrusted() {
        return base().securityProtocol(io.kafkautility.config.SecurityProtocol.SASL_SSL)
                .sslTruststore(otherCa.truststore(), Secret.of(otherCa.password()))
                .saslMechanism("PLAIN").saslCredentials("alice", "alice-secret").build();
    }

    // ------------------------------------------------------------------ producer

    /** Sends one message through a fresh pool's producer; returns the typed failure after checking the bounds. */
    private static SendException produceFails(String scenario, KafkaConnectionOptions connection, String to,
                                              SendFailureReason reason, String... causeNames) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("security-it")
                     .build())) {
            pool.metrics().bindTo(registry);
            long t0 = System.nanoTime();
            CompletableFuture<Throwable> f = producer.send(to, "k", deleted(TopicNames.unique("m")))
                    .handle((r, e) -> e);
            Throwable error = f.orTimeout(BOUND.toMillis() + 30_000, TimeUnit.MILLISECONDS).join();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("SECURITY producer " + scenario + ": " + ms + " ms -> " + error);
            assertThat(error).as("the send must fail").isNotNull();
            Throwable e = SendFailures.unwrap(error);
            assertThat(e).isInstanceOf(SendException.class);
            SendException se = (SendException) e;
            assertThat(ms).as("time to the error").isLessThan(BOUND.toMillis());
            assertThat(se.reason()).isEqualTo(reason);
            assertThat(se.isRetriable()).isFalse();
            // a misconfiguration is recognised by a background probe started at the first metadata timeout: on a
            // slow machine its answer may only be ready for the library's second attempt
            int maxAttempts = reason == SendFailureReason.MISCONFIGURED ? 2 : 1;
            assertThat(se.attempts()).as("not retried").isBetween(1, maxAttempts);
            assertThat(count(registry, MetricNames.SEND_RETRIES)).isEqualTo(se.attempts() - 1.0);
            assertThat(count(registry, MetricNames.MESSAGES_SEND_FAILED, MetricNames.TAG_REASON, reason.name()))
                    .isEqualTo(1.0);
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
            assertThat(se.getMessage()).containsAnyOf(causeNames);
            assertThat(se.getMessage()).doesNotContain("secret");
            return se;
        }
    }

    @Test
    void producerWithAWrongPassword() {
        produceFails("wrong-password", saslSsl("alice", "not-the-password"), topic,
                SendFailureReason.AUTHENTICATION, "SaslAuthenticationException", "Authentication failed");
    }

    @Test
    void producerWithoutTopicWriteAcl() {
        produceFails("topic-write-denied", saslSsl("bob", "bob-secret"), topic, SendFailureReason.AUTHORIZATION,
                "TopicAuthorizationException");
    }

    @Test
    void producerWithoutAnyWriteAcl() {
        // no WRITE on any topic: the idempotent producer's InitProducerId is refused before the topic is even tried
        produceFails("no-write-acl-anywhere", saslSsl("carol", "carol-secret"), topic,
                SendFailureReason.AUTHORIZATION, "ClusterAuthorizationException", "TopicAuthorizationException");
    }

    @Test
    void producerInPlaintextOnTheTlsPort() {
        produceFails("plaintext-on-tls", plaintext(), topic, SendFailureReason.MISCONFIGURED,
                "expects TLS but security.protocol is PLAINTEXT");
    }

    @Test
    void producerWithAnUntrustedBrokerCertificate() {
        produceFails("untrusted-certificate", untrusted(), topic, SendFailureReason.AUTHENTICATION,
                "SslAuthenticationException", "SSL handshake failed");
    }

    // ------------------------------------------------------------------ consumer

    /**
     * Starts a library consumer that must fail: its {@code ready()} fails with a typed ConsumerException naming the
     * cause within the bound, the error listener is told, and over the next window it fails at most a few times.
     */
    private static void consumeFails(String scenario, KafkaConnectionOptions connection, String group,
                                     ConsumerException.Reason reason, String... causeNames) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<ConsumerException> errors = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            pool.metrics().bindTo(registry);
            long t0 = System.nanoTime();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection, group, topic)
                    .pool(pool).errorListener(errors::add)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> handled.add(m.id())).build()).start()) {
                Throwable error = consumer.ready().handle((v, e) -> e)
                        .orTimeout(BOUND.toMillis() + 30_000, TimeUnit.MILLISECONDS).join();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.println("SECURITY consumer " + scenario + ": " + ms + " ms -> " + error);
                assertThat(error).as("ready() must fail").isInstanceOf(ConsumerException.class);
                ConsumerException ce = (ConsumerException) error;
                assertThat(ms).as("time to the error").isLessThan(BOUND.toMillis());
                assertThat(ce.reason()).isEqualTo(reason);
                assertThat(ce.isRetriable()).isFalse();
                assertThat(ce.getMessage()).containsAnyOf(causeNames).doesNotContain("secret");
                assertThat(errors).isNotEmpty();
                int before = errors.size();
                await().during(WINDOW).atMost(WINDOW.plusSeconds(2))
                        .until(() -> errors.size() - before <= MAX_FAILURES_IN_WINDOW);
                int inWindow = errors.size() - before;
                double reconnects = count(registry, MetricNames.CONSUMER_RECONNECTS);
                System.out.println("SECURITY consumer " + scenario + ": " + inWindow + " client failures in the next "
                        + WINDOW.toSeconds() + " s (reconnects counter " + reconnects + ")");
                assertThat(reconnects).isEqualTo(errors.size());
                assertThat(consumer.isRunning()).isTrue();
                assertThat(handled).isEmpty();
            }
        }
    }

    @Test
    void consumerWithAWrongPassword() {
        consumeFails("wrong-password", saslSsl("alice", "not-the-password"), TopicNames.unique("alice-"),
                ConsumerException.Reason.AUTHENTICATION, "SaslAuthenticationException", "Authentication failed");
    }

    @Test
    void consumerWithoutTopicReadAcl() {
        consumeFails("topic-read-denied", saslSsl("dave", "dave-secret"), TopicNames.unique("dave-"),
                ConsumerException.Reason.AUTHORIZATION, "TopicAuthorizationException");
    }

    @Test
    void consumerWithoutGroupReadAcl() {
        consumeFails("group-denied", saslSsl("carol", "carol-secret"), TopicNames.unique("carol-"),
                ConsumerException.Reason.AUTHORIZATION, "GroupAuthorizationException");
    }

    @Test
    void consumerInPlaintextOnTheTlsPort() {
        consumeFails("plaintext-on-tls", plaintext(), TopicNames.unique("alice-"),
                ConsumerException.Reason.CONFIGURATION, "expects TLS but security.protocol is PLAINTEXT");
    }

    @Test
    void consumerWithAnUntrustedBrokerCertificate() {
        consumeFails("untrusted-certificate", untrusted(), TopicNames.unique("alice-"),
                ConsumerException.Reason.AUTHENTICATION, "SslAuthenticationException", "SSL handshake failed");
    }

    // ------------------------------------------------------------------ recovery once the ACLs are granted

    /**
     * A service deployed before its ACLs: erin may do nothing at first, so her producer's sends fail (authorization,
     * not retried) and her consumer fails and backs off. Then an operator grants the ACLs. The very same producer and
     * consumer, without a restart, must go on: every send after the grant is acknowledged and consumed.
     */
    @Test
    void aPrincipalGrantedItsAclsLaterRecoversWithoutARestart() throws Exception {
        String granted = TopicNames.unique("granted");
        broker.createTopic(granted, 1, (short) 1);
        broker.createTopic(granted + ".DLT", 1, (short) 1);
        KafkaConnectionOptions erin = saslSsl("erin", "erin-secret");
        ReliabilityLedger ledger = ReliabilityLedger.create("securityAclGrantedLater");
        List<ConsumerException> errors = new CopyOnWriteArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(erin).source("security-it").build());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(erin,
                     TopicNames.unique("erin-"), granted).pool(pool).errorListener(errors::add)
                     .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> ledger.consumed(m.id())).build()).start()) {
            // before the grant: a typed authorization failure, and the consumer reports its own
            String early = ledger.nextId();
            ledger.sent(early);
            Throwable denied = producer.send(granted, early, deleted(early)).handle((r, e) -> e)
                    .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            ledger.sendCompleted(early, BadInputSupport.kafkaError(denied));
            assertThat(SendFailures.unwrap(denied)).isInstanceOf(SendException.class);
            assertThat(((SendException) SendFailures.unwrap(denied)).reason())
                    .isEqualTo(SendFailureReason.AUTHORIZATION);
            await().atMost(BOUND).until(() -> !errors.isEmpty());
            assertThat(errors.get(0).reason()).isEqualTo(ConsumerException.Reason.AUTHORIZATION);

            try (Admin admin = broker.admin()) {
                admin.createAcls(List.of(
                        allow("erin", ResourceType.TOPIC, granted, PatternType.LITERAL, AclOperation.WRITE),
                        allow("erin", ResourceType.TOPIC, granted, PatternType.LITERAL, AclOperation.READ),
                        allow("erin", ResourceType.GROUP, "erin-", PatternType.PREFIXED, AclOperation.READ)))
                        .all().get();
            }
            long grantedAt = System.nanoTime();
            // the same producer: one probe send at a time until one is acknowledged (ACLs reach the broker's
            // authorizer asynchronously), then a stream that must be acknowledged and consumed in full
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                String id = ledger.nextId();
                ledger.sent(id);
                Throwable e = producer.send(granted, id, deleted(id)).handle((r, x) -> x).get(30, TimeUnit.SECONDS);
                ledger.sendCompleted(id, BadInputSupport.kafkaError(e));
                return e == null;
            });
            long producerRecoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - grantedAt);
            for (int i = 0; i < 500; i++) {
                String id = ledger.nextId();
                ledger.sent(id);
                producer.send(granted, id, deleted(id)).whenComplete((r, e) -> ledger.sendCompleted(id,
                        BadInputSupport.kafkaError(e)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.pending() == 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
            long consumerRecoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - grantedAt);
            System.out.println("SECURITY acl-granted-later: producer acknowledged " + producerRecoveredMs
                    + " ms after the grant, consumer caught up " + consumerRecoveredMs + " ms after it; "
                    + errors.size() + " consumer failures reported before");
            assertThat(consumer.isRunning()).isTrue();
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acked()).isGreaterThanOrEqualTo(501);
    }

    // ------------------------------------------------------------------ positive control

    @Test
    void theRightCredentialsAndAclsProduceAndConsumeEverything() {
        ReliabilityLedger ledger = ReliabilityLedger.create("securityPositiveControl");
        KafkaConnectionOptions alice = saslSsl("alice", "alice-secret");
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(alice).source("security-it")
                    .build())) {
                for (int i = 0; i < 200; i++) {
                    String id = ledger.nextId();
                    ledger.sent(id);
                    producer.send(topic, id, deleted(id)).whenComplete((r, e) -> ledger.sendCompleted(id,
                            BadInputSupport.kafkaError(e)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> ledger.pending() == 0);
            }
            List<ConsumerException> errors = new CopyOnWriteArrayList<>();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(alice,
                    TopicNames.unique("alice-"), topic).pool(pool).errorListener(errors::add)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> ledger.consumed(m.id())).build()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
                assertThat(consumer.ready()).isCompleted();
            }
            assertThat(errors).isEmpty();
            ReliabilityReport report = ledger.check();
            System.out.println(report.line());
            report.assertNothingLost();
            assertThat(report.acked()).isEqualTo(200);
        }
    }
}
