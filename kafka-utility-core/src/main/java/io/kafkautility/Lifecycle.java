package io.kafkautility;

import io.kafkautility.health.Health;
import java.util.concurrent.CompletableFuture;

/**
 * The one lifecycle of the library's long-running parts ({@code MessageConsumer}, {@code Responder},
 * {@code RequestReplyClient}, {@code KafkaResponseConsumer}): {@link #start()}, {@link #ready()}, {@link #health()},
 * {@link #close()}. Each runs on the library's consumer engine, so the words mean the same everywhere.
 *
 * <p>Implementations are thread-safe. Whoever creates one owns it and closes it.
 */
public interface Lifecycle extends AutoCloseable {

    /**
     * Starts the background work if it was not started yet, and returns at once (never waits for a broker). Calling
     * it again does nothing. Parts created started ({@code Responder}, {@code RequestReplyClient}) accept it too.
     *
     * @throws IllegalStateException if it was closed
     */
    Lifecycle start();

    /**
     * Completes when it can serve: its consumer got its partitions (and, where it reads from the end, knows its
     * positions). Fails when it stopped for good or was closed before that; after close a failed future.
     */
    CompletableFuture<Void> ready();

    /** Whether it was started and is not closed. */
    boolean isRunning();

    /** Its health now, without I/O; see {@link io.kafkautility.health.KafkaHealth}. */
    Health health();

    /**
     * Stops within its close timeout: no new work starts, work in progress is waited for (bounded), what finished is
     * committed, and what it owns is closed. Idempotent.
     */
    @Override
    void close();
}
