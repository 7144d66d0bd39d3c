package io.kafkautility.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TestCertificateAuthority;
import io.kafkautility.testkit.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

/** The connectivity check against a SASL_SSL broker process with an authorizer (ACLs). */
class SecureConnectivityCheckIT {

    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required ";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static TestCertificateAuthority ca;
    static TestCertificateAuthority otherCa;
    static KafkaBrokerProcess broker;
    static String topic;
    static final String READ_GROUP = TopicNames.unique("bob-reads");
    static final String DESCRIBE_ONLY_GROUP = TopicNames.unique("bob-describes");
    static final String NEW_GROUPS_PREFIX = TopicNames.unique("bob-new-");
    static final String NO_ACL_GROUP = TopicNames.unique("not-bobs");

    @BeforeAll
    static void startBroker() throws Exception {
        ca = TestCertificateAuthority.create(dir, "good");
        otherCa = TestCertificateAuthority.create(dir, "other");
        Path keystore = ca.issueKeystore("broker");
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
        broker = KafkaBrokerProcess.startNew(b.build());
        topic = TopicNames.unique("secure");
        broker.createTopic(topic, 1, (short) 1);
        try (Admin admin = broker.admin()) {
            // bob may read (and so describe) the topic, but not write it
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:bob", "*", AclOperation.READ, AclPermissionType.ALLOW)),
                    groupAcl(READ_GROUP, AclOperation.READ), groupAcl(DESCRIBE_ONLY_GROUP, AclOperation.DESCRIBE),
                    new AclBinding(new ResourcePattern(ResourceType.GROUP, NEW_GROUPS_PREFIX, PatternType.PREFIXED),
                            new AccessControlEntry("User:bob", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                    .all().get();
            // the describe-only group exists (it has committed offsets), so the broker reports bob's operations on it
            admin.alterConsumerGroupOffsets(DESCRIBE_ONLY_GROUP, java.util.Map.of(
                    new org.apache.kafka.common.TopicPartition(topic, 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))).all().get();
        }
    }

    private static AclBinding groupAcl(String group, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL),
                new AccessControlEntry("User:bob", "*", operation, AclPermissionType.ALLOW));
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

    private static KafkaConnectionOptions.Builder saslSsl(String user, String password) {
        return base().securityProtocol(io.kafkautility.config.SecurityProtocol.SASL_SSL)
                .sslTruststore(ca.truststore(), Secret.of(ca.password()))
                .saslMechanism("PLAIN").saslCredentials(user, password);
    }

    private static ConnectivityReport check(KafkaConnectionOptions options) {
        ConnectivityReport r = ConnectivityCheck.builder(options).writeTopics(topic).timeout(TIMEOUT).run();
        System.out.println("secure connectivity " + options.securityProtocol() + " -> " + r);
        assertThat(r.toString()).doesNotContain("admin-secret").doesNotContain("bob-secret").doesNotContain(ca.password());
        assertThat(r.elapsed()).isLessThan(TIMEOUT.plusSeconds(3));
        return r;
    }

    @Test
    void correctConfigurationIsOk() {
        ConnectivityReport r = check(saslSsl("admin", "admin-secret").build());
        assertThat(r.isOk()).as(r.toString()).isTrue();
    }

    @Test
    void plaintextClientOnTlsPortIsNamed() {
        ConnectivityReport r = check(base().build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.TLS_EXPECTED);
        assertThat(r.issues().get(0).message()).contains("expects TLS but security.protocol is PLAINTEXT");
    }

    @Test
    void saslPlaintextClientOnSaslSslPortIsNamed() {
        ConnectivityReport r = check(base().securityProtocol(io.kafkautility.config.SecurityProtocol.SASL_PLAINTEXT)
                .saslMechanism("PLAIN").saslCredentials("admin", "admin-secret").build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.TLS_EXPECTED);
        assertThat(r.issues().get(0).message()).contains("use SASL_SSL");
    }

    @Test
    void tlsClientWithoutSaslIsNamed() {
        ConnectivityReport r = check(base().securityProtocol(io.kafkautility.config.SecurityProtocol.SSL)
                .sslTruststore(ca.truststore(), Secret.of(ca.password())).build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.SASL_EXPECTED);
        assertThat(r.issues().get(0).message()).contains("requires SASL authentication").contains("[PLAIN]");
    }

    @Test
    void wrongPasswordIsNamed() {
        ConnectivityReport r = check(saslSsl("admin", "not-the-password").build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.AUTHENTICATION_FAILED);
        assertThat(r.toString()).doesNotContain("not-the-password");
    }

    @Test
    void mechanismNotEnabledIsNamed() {
        ConnectivityReport r = check(saslSsl("admin", "admin-secret").saslMechanism("SCRAM-SHA-512").build());
        assertThat(r.problems()).contains(ConnectivityProblem.SASL_MECHANISM_NOT_ENABLED);
    }

    @Test
    void missingWriteAclIsNamed() {
        ConnectivityReport r = check(saslSsl("bob", "bob-secret").build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.NOT_AUTHORIZED);
        assertThat(r.issues().get(0).message()).contains("user 'bob' may not WRITE to topic '" + topic + "'");
    }

    @Test
    void untrustedBrokerCertificateIsNamed() {
        ConnectivityReport r = check(saslSsl("admin", "admin-secret")
                .sslTruststore(otherCa.truststore(), Secret.of(otherCa.password())).build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.TLS_HANDSHAKE_FAILED);
    }

    @Test
    void consumerGroupAclsAreChecked() {
        ConnectivityReport ok = checkGroup(READ_GROUP);
        assertThat(ok.isOk()).as(ok.toString()).isTrue();
        ConnectivityReport notYetCreated = checkGroup(NEW_GROUPS_PREFIX + "indexer");
        assertThat(notYetCreated.isOk()).as("a group bob may read that does not exist yet: " + notYetCreated).isTrue();

        ConnectivityReport none = checkGroup(NO_ACL_GROUP);
        assertThat(none.problems()).containsExactly(ConnectivityProblem.NOT_AUTHORIZED);
        assertThat(none.issues().get(0).message())
                .contains("user 'bob' may not use consumer group '" + NO_ACL_GROUP + "'");

        ConnectivityReport describeOnly = checkGroup(DESCRIBE_ONLY_GROUP);
        assertThat(describeOnly.problems()).containsExactly(ConnectivityProblem.NOT_AUTHORIZED);
        assertThat(describeOnly.issues().get(0).message())
                .contains("user 'bob' may not join consumer group '" + DESCRIBE_ONLY_GROUP + "'");
    }

    private static ConnectivityReport checkGroup(String group) {
        ConnectivityReport r = ConnectivityCheck.builder(saslSsl("bob", "bob-secret").build()).readTopics(topic)
                .consumerGroups(group).timeout(TIMEOUT).run();
        System.out.println("secure connectivity, group " + group + " -> " + r);
        assertThat(r.toString()).doesNotContain("bob-secret");
        assertThat(r.elapsed()).isLessThan(TIMEOUT.plusSeconds(3));
        return r;
    }
}
