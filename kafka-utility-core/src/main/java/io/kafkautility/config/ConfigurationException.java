package io.kafkautility.config;

import io.kafkautility.KafkaUtilityException;
import java.util.List;

/**
 * An invalid configuration. One exception lists every problem found, so a user fixes them all in one go.
 *
 * <p>The message and {@link #problems()} name settings and rules, never a secret's value. Not retriable.
 */
public class ConfigurationException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** One problem. */
    public ConfigurationException(String problem) {
        super(problem);
        this.problems = List.of(problem);
    }

    /** One problem with its cause. */
    public ConfigurationException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Several problems; the message lists all of them, one per line. */
    public ConfigurationException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "Invalid kafka-utility configuration: " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder("Invalid kafka-utility configuration (")
                .append(problems.size()).append(" problems):");
        for (String p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        return sb.toString();
    }

    /** Every problem found, in the order checked; never empty, unmodifiable. */
    public List<String> problems() {
        return problems;
    }
}
