package io.kafkautility.config;

import io.kafkautility.KafkaUtilityException;
import java.util.List;

/**
 * The cluster is not usable as configured; thrown by {@link ConnectivityReport#throwIfFailed()}. The message lists
 * every issue in plain words; never a secret. Retriable only when every issue is transient
 * ({@link ConnectivityProblem#NOTHING_LISTENING}, {@link ConnectivityProblem#UNREACHABLE},
 * {@link ConnectivityProblem#TIMEOUT}).
 */
public class ConnectivityException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final List<ConnectivityIssue> issues;

    /** @param issues every issue found; not empty */
    public ConnectivityException(List<ConnectivityIssue> issues) {
        super(format(issues));
        this.issues = List.copyOf(issues);
    }

    private static String format(List<ConnectivityIssue> issues) {
        StringBuilder sb = new StringBuilder("Kafka connectivity check failed:");
        for (ConnectivityIssue i : issues) {
            sb.append(System.lineSeparator()).append("  - ").append(i);
        }
        return sb.toString();
    }

    /** Every issue found. */
    public List<ConnectivityIssue> issues() {
        return issues;
    }

    /** The first (most fundamental) issue's reason. */
    public ConnectivityProblem problem() {
        return issues.get(0).problem();
    }

    @Override
    public boolean isRetriable() {
        return issues.stream().allMatch(i -> i.problem() == ConnectivityProblem.NOTHING_LISTENING
                || i.problem() == ConnectivityProblem.UNREACHABLE || i.problem() == ConnectivityProblem.TIMEOUT);
    }
}
