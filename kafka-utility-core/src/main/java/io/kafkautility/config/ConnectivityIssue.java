package io.kafkautility.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem found by a {@link ConnectivityCheck}: a reason code, what it concerns (a bootstrap address or a topic)
 * and a plain-words message saying what is wrong and what to change. Never contains secrets. Immutable.
 */
public final class ConnectivityIssue {

    private final ConnectivityProblem problem;
    private final String address;
    private final String topic;
    private final String message;

    /**
     * @param problem the reason code
     * @param address the bootstrap address concerned, or {@code null}
     * @param topic   the topic concerned, or {@code null}
     * @param message what is wrong, in plain words
     */
    public ConnectivityIssue(ConnectivityProblem problem, String address, String topic, String message) {
        this.problem = Objects.requireNonNull(problem, "problem");
        this.address = address;
        this.topic = topic;
        this.message = Objects.requireNonNull(message, "message");
    }

    /** The reason code. */
    public ConnectivityProblem problem() {
        return problem;
    }

    /** The bootstrap address concerned, if any. */
    public Optional<String> address() {
        return Optional.ofNullable(address);
    }

    /** The topic concerned, if any. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** What is wrong and what to change. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return problem + (address != null ? " [" + address + "]" : "") + (topic != null ? " [topic " + topic + "]" : "")
                + ": " + message;
    }
}
