package io.kafkautility.spring.internal;

import io.kafkautility.config.ConnectivityCheck;
import io.kafkautility.config.ConnectivityIssue;
import io.kafkautility.config.ConnectivityReport;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthCheck;
import io.kafkautility.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether the application's brokers answer, for a service that only sends (whose producers learn of an outage only
 * at the next send): a connectivity check ({@link ConnectivityCheck}, the cluster's metadata) every
 * {@value #INTERVAL_SECONDS} s on a daemon thread of its own, each bounded by {@value #TIMEOUT_SECONDS} s, so the
 * brokers going away shows as DOWN within about {@value #INTERVAL_SECONDS} + {@value #TIMEOUT_SECONDS} s and their
 * return as UP within {@value #INTERVAL_SECONDS} s. {@link #check()} answers from the last probe (never blocks).
 * Closed with the context.
 */
public final class BrokerProbe implements HealthCheck, AutoCloseable {

    public static final long INTERVAL_SECONDS = 5;
    public static final long TIMEOUT_SECONDS = 5;

    private final KafkaConnectionOptions connection;
    private final ScheduledExecutorService timer;
    private volatile Health last = Health.of("brokers", HealthStatus.DEGRADED, List.of("not probed yet"), Map.of());

    public BrokerProbe(KafkaConnectionOptions connection) {
        this.connection = connection;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-utility-broker-probe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::probe, 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    private void probe() {
        try {
            ConnectivityReport report = ConnectivityCheck.builder(connection)
                    .timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).run();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("probeMillis", report.elapsed().toMillis());
            report.clusterId().ifPresent(id -> details.put("clusterId", id));
            if (report.isOk()) {
                last = Health.of("brokers", HealthStatus.UP, List.of(), details);
            } else {
                List<String> reasons = new ArrayList<>();
                for (ConnectivityIssue issue : report.issues()) {
                    reasons.add(issue.problem() + ": " + issue.message());
                }
                last = Health.of("brokers", HealthStatus.DOWN, reasons, details);
            }
        } catch (RuntimeException e) {
            last = Health.of("brokers", HealthStatus.DOWN, List.of("connectivity check failed: "
                    + e.getClass().getSimpleName()), Map.of());
        }
    }

    @Override
    public Health check() {
        return last;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
