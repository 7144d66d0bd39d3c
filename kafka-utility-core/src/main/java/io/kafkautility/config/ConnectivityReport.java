package io.kafkautility.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The outcome of a {@link ConnectivityCheck}. Immutable. */
public final class ConnectivityReport {

    private final List<ConnectivityIssue> issues;
    private final Duration elapsed;
    private final String clusterId;

    /**
     * @param issues    every issue found (empty when all is well)
     * @param elapsed   how long the check took
     * @param clusterId the cluster id when the cluster answered, or {@code null}
     */
    public ConnectivityReport(List<ConnectivityIssue> issues, Duration elapsed, String clusterId) {
        this.issues = List.copyOf(issues);
        this.elapsed = elapsed;
        this.clusterId = clusterId;
    }

    /** True when no issue was found. */
    public boolean isOk() {
        return issues.isEmpty();
    }

    /** Every issue found, most fundamental first. */
    public List<ConnectivityIssue> issues() {
        return issues;
    }

    /** The distinct reasons found. */
    public Set<ConnectivityProblem> problems() {
        return issues.stream().map(ConnectivityIssue::problem).collect(Collectors.toUnmodifiableSet());
    }

    /** How long the check took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** The cluster id, if the cluster answered. */
    public Optional<String> clusterId() {
        return Optional.ofNullable(clusterId);
    }

    /**
     * @throws ConnectivityException listing every issue, if any
     */
    public void throwIfFailed() {
        if (!issues.isEmpty()) {
            throw new ConnectivityException(issues);
        }
    }

    @Override
    public String toString() {
        return isOk() ? "ConnectivityReport{ok, cluster " + clusterId + ", " + elapsed.toMillis() + " ms}"
                : "ConnectivityReport{" + issues + ", " + elapsed.toMillis() + " ms}";
    }
}
