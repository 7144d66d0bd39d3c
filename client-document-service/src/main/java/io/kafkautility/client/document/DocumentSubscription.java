package io.kafkautility.client.document;

import java.util.concurrent.CompletableFuture;

/**
 * A running subscription to document events. Thread-safe. {@link #close()} stops it gracefully: the in-flight event
 * finishes, processed offsets are committed, the group is left.
 */
public interface DocumentSubscription extends AutoCloseable {

    /** Completes once the subscription has its partitions. */
    CompletableFuture<Void> ready();

    /** Events processed (or dead-lettered) so far. */
    long completedCount();

    /** Stops the subscription. Idempotent; bounded in time. */
    @Override
    void close();
}
