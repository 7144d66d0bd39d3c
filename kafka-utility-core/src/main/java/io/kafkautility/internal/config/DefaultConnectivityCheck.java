package io.kafkautility.internal.config;

import io.kafkautility.config.ConnectivityIssue;
import io.kafkautility.config.ConnectivityProblem;
import io.kafkautility.config.ConnectivityReport;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.config.SecurityProtocol;
import io.kafkautility.internal.config.KafkaWireProbe.KafkaAnswer;
import io.kafkautility.internal.config.KafkaWireProbe.SaslAnswer;
import io.kafkautility.internal.config.KafkaWireProbe.TlsOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Probes every bootstrap address on the wire, then checks cluster, credentials and topics with an Admin client. */
public final class DefaultConnectivityCheck {

    private static final Logger log = LoggerFactory.getLogger(DefaultConnectivityCheck.class);
    private static final int MIN_SECOND_STEP_MS = 1000;

    private final KafkaConnectionOptions options;
    private final Set<String> writeTopics;
    private final Set<String> readTopics;
    private final Set<String> consumerGroups;
    private final Duration timeout;
    private long deadline;

    public DefaultConnectivityCheck(KafkaConnectionOptions options, Set<String> writeTopics, Set<String> readTopics,
                                    Set<String> consumerGroups, Duration timeout) {
        this.options = options;
        this.writeTopics = writeTopics;
        this.readTopics = readTopics;
        this.consumerGroups = consumerGroups;
        this.timeout = timeout;
    }

    private long remainingMs() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    public ConnectivityReport run() {
        long start = System.nanoTime();
        deadline = start + timeout.toNanos();
        List<ConnectivityIssue> issues = new ArrayList<>();
        boolean anyUsable = false;
        // the wire probe may use at most half of the budget, so the Admin check always gets time
        long probeDeadline = start + timeout.toNanos() / 2;
        for (String address : options.bootstrapServers()) {
            long budget = Math.max(200, TimeUnit.NANOSECONDS.toMillis(probeDeadline - System.nanoTime())
                    / Math.max(1, options.bootstrapServers().size()));
            List<ConnectivityIssue> found = probe(address, (int) budget);
            if (found.isEmpty()) {
                anyUsable = true;
            }
            issues.addAll(found);
        }
        String clusterId = null;
        if (anyUsable || issues.stream().allMatch(i -> i.problem() == ConnectivityProblem.TIMEOUT)) {
            // the wire probe found nothing wrong with at least one address: the Admin client tells the rest
            clusterId = adminCheck(issues);
        }
        ConnectivityReport report = new ConnectivityReport(issues, Duration.ofNanos(System.nanoTime() - start), clusterId);
        if (report.isOk()) {
            log.info("Kafka connectivity check of {} ok (cluster {}) in {} ms", options.describeCluster(), clusterId,
                    report.elapsed().toMillis());
        } else {
            log.warn("Kafka connectivity check of {} found {} issue(s): {}", options.describeCluster(), issues.size(), issues);
        }
        return report;
    }

    /**
     * Only the wire probe, on every bootstrap address, within {@code budget} each: the issues found (an address with
     * none is usable). No Admin client, no credentials sent.
     */
    public static List<List<ConnectivityIssue>> probeOnly(KafkaConnectionOptions options, Duration budget) {
        DefaultConnectivityCheck check = new DefaultConnectivityCheck(options, Set.of(), Set.of(), Set.of(), budget);
        List<List<ConnectivityIssue>> perAddress = new ArrayList<>();
        for (String address : options.bootstrapServers()) {
            perAddress.add(check.probe(address, (int) Math.max(200, budget.toMillis())));
        }
        return perAddress;
    }

    // ---- wire probe -------------------------------------------------------------------------------------------

    private List<ConnectivityIssue> probe(String address, int budgetMs) {
        long endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        SecurityProtocol protocol = options.securityProtocol();
        List<ConnectivityIssue> issues = new ArrayList<>();
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            issues.add(new ConnectivityIssue(ConnectivityProblem.UNKNOWN_HOST, address, null,
                    "the host name '" + host + "' does not resolve: check bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS"));
            return issues;
        }
        Socket socket = new Socket();
        try {
            try {
                socket.connect(new InetSocketAddress(ip, port), budgetMs);
                socket.setSoTimeout(budgetMs);
            } catch (ConnectException e) {
                issues.add(new ConnectivityIssue(ConnectivityProblem.NOTHING_LISTENING, address, null,
                        "nothing is listening at " + address + " (connection refused): is the broker running, and is the port right?"));
                return issues;
            } catch (SocketTimeoutException | NoRouteToHostException e) {
                issues.add(new ConnectivityIssue(ConnectivityProblem.UNREACHABLE, address, null,
                        address + " does not accept a TCP connection within " + budgetMs + " ms (firewall, wrong network or address)"));
                return issues;
            }
            if (protocol.usesTls()) {
                probeTlsClient(socket, host, port, address, budgetMs, endNanos, issues);
            } else {
                probePlainClient(socket, host, port, ip, address, budgetMs, endNanos, issues);
            }
        } catch (IOException e) {
            issues.add(new ConnectivityIssue(ConnectivityProblem.OTHER, address, null,
                    "probing " + address + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            closeQuietly(socket);
        }
        return issues;
    }

    /**
     * Time for a probe's second connection (the other protocol, after the first answered nothing useful): what is
     * left of the address's budget, but at least {@link #MIN_SECOND_STEP_MS} (a local TLS handshake or Kafka answer)
     * or the whole budget if that is smaller, so a silent first step cannot double the probe's time.
     */
    private static int secondStepMs(long endNanos, int budgetMs) {
        return (int) Math.max(Math.min(MIN_SECOND_STEP_MS, budgetMs),
                TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
    }

    private void probePlainClient(Socket socket, String host, int port, InetAddress ip, String address, int budgetMs,
                                  long endNanos, List<ConnectivityIssue> issues) throws IOException {
        SecurityProtocol protocol = options.securityProtocol();
        String tlsFix = protocol.usesSasl() ? "SASL_SSL" : "SSL (or SASL_SSL)";
        KafkaAnswer answer = KafkaWireProbe.apiVersions(socket);
        if (answer instanceof KafkaWireProbe.TlsAnswer) {
            issues.add(tlsExpected(address, protocol, tlsFix));
            return;
        }
        if (answer instanceof KafkaWireProbe.Closed || answer instanceof KafkaWireProbe.Silent) {
            // a TLS port may drop a plaintext request silently: find out with a TLS handshake on a fresh connection
            try (Socket again = new Socket()) {
                int secondMs = secondStepMs(endNanos, budgetMs);
                again.connect(new InetSocketAddress(ip, port), secondMs);
                TlsOutcome tls = KafkaWireProbe.tlsHandshake(again, host, port, secondMs, new SSLSocket[1]);
                if (tls != TlsOutcome.NOT_TLS) {
                    issues.add(tlsExpected(address, protocol, tlsFix));
                    return;
                }
            } catch (IOException ignored) {
                // fall through: not Kafka
            }
            issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_KAFKA, address, null, address
                    + (answer instanceof KafkaWireProbe.Silent ? " accepted the connection but did not answer a Kafka request within "
                    + budgetMs + " ms" : " accepted the connection but closed it without answering a Kafka request")
                    + ": is this a Kafka broker port?"));
            return;
        }
        if (answer instanceof KafkaWireProbe.Garbage g) {
            issues.add(notKafka(address, g));
            return;
        }
        checkSasl(socket, address, (KafkaWireProbe.Kafka) answer, issues);
    }

    private void probeTlsClient(Socket socket, String host, int port, String address, int budgetMs, long endNanos,
                                List<ConnectivityIssue> issues) throws IOException {
        SecurityProtocol protocol = options.securityProtocol();
        SSLSocket[] tls = new SSLSocket[1];
        TlsOutcome outcome = KafkaWireProbe.tlsHandshake(socket, host, port, budgetMs, tls);
        if (outcome == TlsOutcome.TLS_ALERT) {
            return; // speaks TLS but wants more (e.g. a client certificate): the Admin check tells the rest
        }
        if (outcome == TlsOutcome.NOT_TLS) {
            try (Socket plain = new Socket()) {
                int secondMs = secondStepMs(endNanos, budgetMs);
                plain.connect(new InetSocketAddress(InetAddress.getByName(host), port), secondMs);
                plain.setSoTimeout(secondMs);
                KafkaAnswer answer = KafkaWireProbe.apiVersions(plain);
                if (answer instanceof KafkaWireProbe.Kafka) {
                    String fix = protocol.usesSasl() ? "SASL_PLAINTEXT" : "PLAINTEXT";
                    issues.add(new ConnectivityIssue(ConnectivityProblem.PLAINTEXT_EXPECTED, address, null,
                            "security.protocol is " + protocol + " (TLS) but the broker at " + address
                                    + " speaks Kafka without TLS on this port: use " + fix + ", or the broker's TLS port"));
                } else if (answer instanceof KafkaWireProbe.Garbage g) {
                    issues.add(notKafka(address, g));
                } else {
                    issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_KAFKA, address, null, address
                            + " accepted the connection but answered neither a TLS handshake nor a Kafka request:"
                            + " is this a Kafka broker port?"));
                }
            }
            return;
        }
        try {
            KafkaAnswer answer = KafkaWireProbe.apiVersions(tls[0]);
            if (answer instanceof KafkaWireProbe.Kafka kafka) {
                checkSasl(tls[0], address, kafka, issues);
            } else if (answer instanceof KafkaWireProbe.Garbage g) {
                issues.add(notKafka(address, g));
            }
        } catch (IOException e) {
            // the handshake succeeded, so this is a TLS broker; it may still drop the connection (a broker that
            // requires a client certificate, which the probe never presents, closes it right after the handshake,
            // seen as an alert or a broken pipe): the Admin check, with the configured key store, tells the rest
            log.debug("TLS probe of {} inconclusive: {}", address, e.toString());
        } finally {
            closeQuietly(tls[0]);
        }
    }

    private void checkSasl(Socket socket, String address, KafkaWireProbe.Kafka kafka, List<ConnectivityIssue> issues) {
        short[] range = kafka.apis().get(KafkaWireProbe.SASL_HANDSHAKE);
        if (range == null || range[0] > 1 || range[1] < 1) {
            return;
        }
        SecurityProtocol protocol = options.securityProtocol();
        String mechanism = options.saslMechanism()
                .orElse(String.valueOf(options.kafkaProperties().getOrDefault("sasl.mechanism", "PLAIN")));
        SaslAnswer sasl;
        try {
            sasl = KafkaWireProbe.saslHandshake(socket, mechanism);
        } catch (IOException e) {
            log.debug("SASL probe of {} inconclusive: {}", address, e.toString());
            return;
        }
        if (sasl.inconclusive()) {
            return;
        }
        if (protocol.usesSasl() && !sasl.saslListener()) {
            String fix = protocol.usesTls() ? "SSL" : "PLAINTEXT";
            issues.add(new ConnectivityIssue(ConnectivityProblem.SASL_NOT_ENABLED, address, null,
                    "security.protocol is " + protocol + " but the listener at " + address
                            + " does not use SASL: use " + fix + " (without SASL credentials), or the broker's SASL port"));
        } else if (!protocol.usesSasl() && sasl.saslListener()) {
            String fix = protocol.usesTls() ? "SASL_SSL" : "SASL_PLAINTEXT";
            issues.add(new ConnectivityIssue(ConnectivityProblem.SASL_EXPECTED, address, null,
                    "the listener at " + address + " requires SASL authentication (enabled mechanisms "
                            + sasl.enabledMechanisms() + ") but security.protocol is " + protocol + ": use " + fix
                            + " with KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"));
        } else if (protocol.usesSasl() && !sasl.enabledMechanisms().isEmpty()
                && !sasl.enabledMechanisms().contains(mechanism)) {
            issues.add(new ConnectivityIssue(ConnectivityProblem.SASL_MECHANISM_NOT_ENABLED, address, null,
                    "the broker at " + address + " does not enable SASL mechanism " + mechanism + "; it enables "
                            + sasl.enabledMechanisms()));
        }
    }

    private static ConnectivityIssue tlsExpected(String address, SecurityProtocol protocol, String fix) {
        return new ConnectivityIssue(ConnectivityProblem.TLS_EXPECTED, address, null,
                "the port at " + address + " expects TLS but security.protocol is " + protocol + ": use " + fix
                        + " with a trust store for the broker's certificate, or the broker's plaintext port");
    }

    private static ConnectivityIssue notKafka(String address, KafkaWireProbe.Garbage g) {
        return new ConnectivityIssue(ConnectivityProblem.NOT_KAFKA, address, null,
                address + " answered something that is not Kafka (first bytes '" + g.firstBytes()
                        + "'): is this a Kafka broker port? (another service, e.g. HTTP, listens there)");
    }

    // ---- Admin check ------------------------------------------------------------------------------------------

    private String adminCheck(List<ConnectivityIssue> issues) {
        long budget = Math.max(500, remainingMs());
        Map<String, Object> props = options.clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) budget);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) budget);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(budget, 2_000L));
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(budget, 1_000L));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-utility-connectivity-check");
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (RuntimeException e) {
            issues.add(new ConnectivityIssue(ConnectivityProblem.OTHER, null, null,
                    "cannot create a Kafka client with this configuration: " + causeChain(e) + storeHint(e)));
            return null;
        }
        String clusterId = null;
        try {
            clusterId = await(admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) budget)).clusterId());
            Set<String> all = new TreeSet<>(writeTopics);
            all.addAll(readTopics);
            if (!all.isEmpty()) {
                checkTopics(admin, all, issues);
            }
            if (!consumerGroups.isEmpty()) {
                checkGroups(admin, issues);
            }
        } catch (ExecutionException e) {
            issues.add(clusterIssue(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            issues.add(new ConnectivityIssue(ConnectivityProblem.TIMEOUT, null, null,
                    "the cluster did not answer within " + timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            issues.add(new ConnectivityIssue(ConnectivityProblem.OTHER, null, null, "interrupted"));
        } finally {
            admin.close(Duration.ofMillis(Math.min(1_000, Math.max(100, remainingMs()))));
        }
        return clusterId;
    }

    private void checkTopics(Admin admin, Set<String> topics, List<ConnectivityIssue> issues)
            throws InterruptedException {
        Map<String, KafkaFuture<TopicDescription>> results = admin.describeTopics(topics,
                new DescribeTopicsOptions().includeAuthorizedOperations(true).timeoutMs((int) Math.max(500, remainingMs())))
                .topicNameValues();
        for (String topic : topics) {
            try {
                TopicDescription d = await(results.get(topic));
                Set<AclOperation> ops = d.authorizedOperations() == null ? null : new HashSet<>(d.authorizedOperations());
                if (ops != null && !ops.contains(AclOperation.ALL)) {
                    if (writeTopics.contains(topic) && !ops.contains(AclOperation.WRITE)) {
                        issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, topic,
                                principal() + " may not WRITE to topic '" + topic + "' (ACL missing)"));
                    }
                    if (readTopics.contains(topic) && !ops.contains(AclOperation.READ)) {
                        issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, topic,
                                principal() + " may not READ topic '" + topic + "' (ACL missing)"));
                    }
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof UnknownTopicOrPartitionException) {
                    issues.add(new ConnectivityIssue(ConnectivityProblem.TOPIC_MISSING, null, topic,
                            "topic '" + topic + "' does not exist: create it (or fix the name)"));
                } else if (c instanceof AuthorizationException) {
                    issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, topic,
                            principal() + " may not access topic '" + topic + "' (not even DESCRIBE; ACL missing)"));
                } else {
                    issues.add(clusterIssue(c));
                }
            } catch (java.util.concurrent.TimeoutException e) {
                issues.add(new ConnectivityIssue(ConnectivityProblem.TIMEOUT, null, topic,
                        "describing topic '" + topic + "' did not finish within " + timeout.toMillis() + " ms"));
            }
        }
    }

    private void checkGroups(Admin admin, List<ConnectivityIssue> issues) throws InterruptedException {
        Map<String, KafkaFuture<ConsumerGroupDescription>> results = admin.describeConsumerGroups(consumerGroups,
                new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)
                        .timeoutMs((int) Math.max(500, remainingMs()))).describedGroups();
        for (String group : consumerGroups) {
            try {
                ConsumerGroupDescription d = await(results.get(group));
                Set<AclOperation> ops = d.authorizedOperations();
                // a group that does not exist yet (DEAD) reports no operations: its first member creates it
                if (d.groupState() != GroupState.DEAD && ops != null && !ops.contains(AclOperation.ALL)
                        && !ops.contains(AclOperation.READ)) {
                    issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, null,
                            principal() + " may not join consumer group '" + group + "' (READ on the group missing)"));
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof GroupIdNotFoundException) {
                    continue; // not created yet: its first member creates it
                }
                if (c instanceof AuthorizationException) {
                    issues.add(new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, null,
                            principal() + " may not use consumer group '" + group
                                    + "' (not even DESCRIBE; READ on the group missing)"));
                } else {
                    issues.add(clusterIssue(c));
                }
            } catch (java.util.concurrent.TimeoutException e) {
                issues.add(new ConnectivityIssue(ConnectivityProblem.TIMEOUT, null, null,
                        "describing consumer group '" + group + "' did not finish within " + timeout.toMillis() + " ms"));
            }
        }
    }

    private ConnectivityIssue clusterIssue(Throwable c) {
        if (c instanceof SslAuthenticationException) {
            return new ConnectivityIssue(ConnectivityProblem.TLS_HANDSHAKE_FAILED, null, null,
                    "the TLS handshake failed: " + rootMessage(c)
                            + " (is the broker's certificate signed by a CA in the trust store, does its name match the host,"
                            + " does the broker require a client certificate?)");
        }
        if (c instanceof SaslAuthenticationException || c instanceof AuthenticationException) {
            return new ConnectivityIssue(ConnectivityProblem.AUTHENTICATION_FAILED, null, null,
                    "the broker rejected the credentials of " + principal() + ": " + c.getMessage()
                            + " (check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM)");
        }
        if (c instanceof AuthorizationException) {
            return new ConnectivityIssue(ConnectivityProblem.NOT_AUTHORIZED, null, null,
                    principal() + " is not authorized: " + c.getMessage());
        }
        if (c instanceof TimeoutException) {
            return new ConnectivityIssue(ConnectivityProblem.TIMEOUT, null, null,
                    "the cluster did not answer within " + timeout.toMillis() + " ms: " + c.getMessage());
        }
        return new ConnectivityIssue(ConnectivityProblem.OTHER, null, null, c.getClass().getSimpleName() + ": " + c.getMessage());
    }

    private String principal() {
        return options.saslUsername().map(u -> "user '" + u + "'").orElse("this client");
    }

    private <T> T await(KafkaFuture<T> f) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return f.get(Math.max(1, remainingMs()) + 500, TimeUnit.MILLISECONDS);
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r == t ? String.valueOf(t.getMessage()) : t.getMessage() + " / " + r.getClass().getSimpleName() + ": " + r.getMessage();
    }

    /** Every distinct message along the cause chain ("what failed: why: why"), at most 5 levels. */
    static String causeChain(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
        String last = null;
        int depth = 0;
        for (Throwable c = t; c != null && depth < 5; c = c.getCause() == c ? null : c.getCause(), depth++) {
            String m = c.getMessage();
            if (m != null && !m.equals(last) && (last == null || !last.contains(m))) {
                sb.append(": ").append(m);
                last = m;
            }
        }
        return sb.toString();
    }

    /** A hint naming the setting when Kafka could not load a trust or key store. */
    private static String storeHint(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("SSL keystore")) {
                return " (check KAFKA_SSL_KEYSTORE_LOCATION / KAFKA_SSL_KEYSTORE_PASSWORD and the store type)";
            }
            if (m.contains("SSL truststore") || m.contains("trust store")) {
                return " (check KAFKA_SSL_TRUSTSTORE_LOCATION / KAFKA_SSL_TRUSTSTORE_PASSWORD and the store type)";
            }
        }
        return "";
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
