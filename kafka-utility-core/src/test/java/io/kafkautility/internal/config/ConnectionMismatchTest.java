package io.kafkautility.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.config.ConnectivityException;
import io.kafkautility.config.ConnectivityIssue;
import io.kafkautility.config.ConnectivityProblem;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.producer.SendFailures;
import io.kafkautility.producer.SendFailureReason;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An unavailable cluster (refused, silent or paused peer) is never called misconfigured. */
class ConnectionMismatchTest {

    @Test
    void nothingListeningIsNotAMismatch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(ConnectionMismatch.probe(options(port))).isNull();
    }

    @Test
    void aSilentPeerIsNotAMismatch() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(s.accept()); // never answers, like a paused broker
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ConnectionMismatch mismatch = new ConnectionMismatch(options(s.getLocalPort()));
            long t0 = System.nanoTime();
            assertThat(mismatch.find(java.time.Duration.ofMillis(100))).isNull(); // not waited for longer
            assertThat(System.nanoTime() - t0).isLessThan(java.time.Duration.ofSeconds(1).toNanos());
            assertThat(mismatch.find(java.time.Duration.ofSeconds(10))).isNull(); // the probe's own answer
        } finally {
            for (Socket a : accepted) {
                a.close();
            }
        }
    }

    @Test
    void aMismatchIsItsOwnNonTransportReason() {
        ConnectivityException e = new ConnectivityException(List.of(new ConnectivityIssue(
                ConnectivityProblem.TLS_EXPECTED, "h:1", null, "expects TLS")));
        assertThat(SendFailures.reason(e)).isEqualTo(SendFailureReason.MISCONFIGURED);
        assertThat(SendFailureReason.MISCONFIGURED.isTransport()).isFalse();
    }

    private static KafkaConnectionOptions options(int port) {
        return KafkaConnectionOptions.builder().bootstrapServers("127.0.0.1:" + port).build();
    }
}
