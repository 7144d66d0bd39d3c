package io.kafkautility.internal.config;

import io.kafkautility.config.ConnectivityException;
import io.kafkautility.config.ConnectivityIssue;
import io.kafkautility.config.ConnectivityProblem;
import io.kafkautility.config.KafkaConnectionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a misconfigured connection from an unavailable cluster after Kafka's client only said "timeout" (a PLAINTEXT
 * client on a TLS port, or a SASL mismatch, are reported by kafka-clients only as metadata timeouts or not at all):
 * probes the bootstrap addresses on the wire (no credentials sent) and returns a {@link ConnectivityException} only
 * on positive evidence from the peer (it answered TLS, or a SASL handshake that contradicts the settings) on every
 * address. A silent, refused or paused peer is never called misconfigured. Thread-safe.
 */
public final class ConnectionMismatch {

    private static final Logger log = LoggerFactory.getLogger(ConnectionMismatch.class);
    private static final Set<ConnectivityProblem> MISMATCHES = EnumSet.of(ConnectivityProblem.TLS_EXPECTED,
            ConnectivityProblem.PLAINTEXT_EXPECTED, ConnectivityProblem.SASL_EXPECTED,
            ConnectivityProblem.SASL_NOT_ENABLED, ConnectivityProblem.SASL_MECHANISM_NOT_ENABLED);
    private static final Duration PROBE_BUDGET = Duration.ofSeconds(2);
    private static final int CACHE_SECONDS = 10;
    private static final long CACHE_NANOS = Duration.ofSeconds(CACHE_SECONDS).toNanos();

    private final KafkaConnectionOptions options;
    private CompletableFuture<ConnectivityException> probe;
    private long probedAt;

    public ConnectionMismatch(KafkaConnectionOptions options) {
        this.options = options;
    }

    /**
     * The mismatch between these settings and the brokers' listeners, or {@code null} if none is evident (yet). The
     * probe runs on its own short-lived daemon thread, at most once per {@value #CACHE_SECONDS} seconds; the caller
     * waits for it at most {@code maxWait}, so a silent (paused, blackholed) cluster never blocks a caller for long.
     */
    public ConnectivityException find(Duration maxWait) {
        CompletableFuture<ConnectivityException> current;
        synchronized (this) {
            if (probe == null || probe.isDone() && System.nanoTime() - probedAt > CACHE_NANOS) {
                CompletableFuture<ConnectivityException> next = new CompletableFuture<>();
                Thread t = new Thread(() -> next.complete(probe(options)), "ku-connection-probe");
                t.setDaemon(true);
                probe = next;
                probedAt = System.nanoTime();
                t.start();
            }
            current = probe;
        }
        try {
            return current.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    static ConnectivityException probe(KafkaConnectionOptions options) {
        List<ConnectivityIssue> found = new ArrayList<>();
        try {
            for (List<ConnectivityIssue> issues : DefaultConnectivityCheck.probeOnly(options, PROBE_BUDGET)) {
                List<ConnectivityIssue> mismatches = issues.stream().filter(i -> MISMATCHES.contains(i.problem()))
                        .toList();
                if (mismatches.isEmpty()) {
                    return null; // this address is usable or merely unavailable: not a configuration error
                }
                found.addAll(mismatches);
            }
        } catch (RuntimeException e) {
            log.debug("connection probe of {} inconclusive: {}", options.describeCluster(), e.toString());
            return null;
        }
        return found.isEmpty() ? null : new ConnectivityException(found);
    }
}
