package io.kafkautility.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connectivity check against a real PLAINTEXT broker and hand-made servers. */
@KafkaTest
class ConnectivityCheckIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ExecutorService servers = Executors.newCachedThreadPool();

    @AfterEach
    void stopServers() {
        servers.shutdownNow();
    }

    private static KafkaConnectionOptions.Builder to(String bootstrap) {
        return KafkaConnectionOptions.builder().bootstrapServers(bootstrap);
    }

    private static ConnectivityReport check(KafkaConnectionOptions options, String... topics) {
        ConnectivityReport r = ConnectivityCheck.builder(options).writeTopics(topics).timeout(TIMEOUT).run();
        System.out.println("connectivity " + options.securityProtocol() + " -> " + r);
        assertThat(r.elapsed()).isLessThan(TIMEOUT.plusSeconds(3));
        return r;
    }

    @Test
    void healthyClusterAndExistingTopicAreOk(KafkaCluster cluster) {
        String topic = TopicNames.unique("ok");
        cluster.createTopics(topic);
        ConnectivityReport r = check(to(cluster.bootstrapServers()).build(), topic);
        assertThat(r.isOk()).as(r.toString()).isTrue();
        assertThat(r.clusterId()).isPresent();
    }

    @Test
    void missingTopicIsNamed(KafkaCluster cluster) {
        ConnectivityReport r = check(to(cluster.bootstrapServers()).build(), "no-such-topic-x");
        assertThat(r.problems()).containsExactly(ConnectivityProblem.TOPIC_MISSING);
        assertThat(r.issues().get(0).topic()).contains("no-such-topic-x");
        assertThatThrownBy(r::throwIfFailed).isInstanceOfSatisfying(ConnectivityException.class, e -> {
            assertThat(e.problem()).isEqualTo(ConnectivityProblem.TOPIC_MISSING);
            assertThat(e.getMessage()).contains("topic 'no-such-topic-x' does not exist");
        });
    }

    @Test
    void nothingListeningIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConnectivityReport r = check(to("127.0.0.1:" + port).build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.NOTHING_LISTENING);
        assertThat(r.issues().get(0).message()).contains("nothing is listening at 127.0.0.1:" + port);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void unknownHostIsNamed() {
        ConnectivityReport r = check(to("no-such-host.invalid:9092").build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.UNKNOWN_HOST);
    }

    @Test
    void sslClientAgainstPlaintextPortIsNamed(KafkaCluster cluster, @TempDir Path dir) throws IOException {
        Path truststore = Files.write(dir.resolve("trust.p12"), new byte[] {1});
        ConnectivityReport r = check(to(cluster.bootstrapServers()).securityProtocol(SecurityProtocol.SSL)
                .sslTruststore(truststore, Secret.of("changeit")).build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.PLAINTEXT_EXPECTED);
        assertThat(r.issues().get(0).message()).contains("speaks Kafka without TLS").contains("use PLAINTEXT");
        assertThat(r.toString()).doesNotContain("changeit");
    }

    @Test
    void saslClientAgainstNonSaslPortIsNamed(KafkaCluster cluster) {
        ConnectivityReport r = check(to(cluster.bootstrapServers()).securityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .saslMechanism("PLAIN").saslCredentials("alice", "alice-secret").build());
        assertThat(r.problems()).containsExactly(ConnectivityProblem.SASL_NOT_ENABLED);
        assertThat(r.toString()).doesNotContain("alice-secret");
    }

    @Test
    void aNonKafkaServerIsNamed() throws IOException {
        try (ServerSocket http = new ServerSocket(0)) {
            servers.submit(() -> serve(http, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
            ConnectivityReport r = check(to("127.0.0.1:" + http.getLocalPort()).build());
            assertThat(r.problems()).containsExactly(ConnectivityProblem.NOT_KAFKA);
            assertThat(r.issues().get(0).message()).contains("first bytes 'HTTP'");
        }
    }

    @Test
    void aSilentServerIsNamedWithinTheBound() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            servers.submit(() -> serve(silent, null));
            ConnectivityReport r = check(to("127.0.0.1:" + silent.getLocalPort()).build());
            assertThat(r.problems()).containsExactly(ConnectivityProblem.NOT_KAFKA);
            assertThat(r.issues().get(0).message()).contains("did not answer a Kafka request");
            // the wire probe's half of the budget (5 s, all spent waiting for an answer), then at most 1 s for the
            // TLS handshake on a second connection: not a second full budget
            assertThat(r.elapsed()).isLessThan(TIMEOUT.dividedBy(2).plusSeconds(3));
        }
    }

    /** Accepts connections; answers each with {@code reply} and closes, or (null) reads and never answers. */
    private static Void serve(ServerSocket server, String reply) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (reply == null) {
                    Thread t = new Thread(() -> drain(s));
                    t.setDaemon(true);
                    t.start();
                } else {
                    s.getInputStream().read(new byte[64]);
                    OutputStream out = s.getOutputStream();
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static void drain(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // never answer
            }
        } catch (IOException ignored) {
            // closed
        }
    }
}
