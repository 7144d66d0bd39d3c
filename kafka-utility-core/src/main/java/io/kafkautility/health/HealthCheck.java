package io.kafkautility.health;

/**
 * Computes a component's {@link Health} now. Implementations answer from what the component already knows (no I/O,
 * no blocking), so a probe can call it as often as it likes; they must be thread-safe.
 */
@FunctionalInterface
public interface HealthCheck {

    /** The component's health now. */
    Health check();
}
