package io.kafkautility.config;

import java.util.Objects;

/**
 * A secret value (password, JAAS configuration) that never shows itself: {@link #toString()} prints
 * {@value #HIDDEN}, so a secret can be logged, put in an exception message or a {@code toString()} by mistake
 * without leaking.
 *
 * <p>Immutable and thread-safe. Only {@link #reveal()} returns the clear value; the library calls it solely when it
 * hands the value to the Kafka client (which keeps it in its own hidden {@code Password} type).
 */
public final class Secret {

    /** What {@link #toString()} prints instead of the value. */
    public static final String HIDDEN = "[hidden]";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a clear value.
     *
     * @throws ConfigurationException if {@code value} is null or empty (the message never contains the value)
     */
    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new ConfigurationException("a secret must not be null or empty");
        }
        return new Secret(value);
    }

    /** The clear value. Never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    /** Always {@value #HIDDEN}. */
    @Override
    public String toString() {
        return HIDDEN;
    }
}
