package io.kafkautility.consumer;

import io.kafkautility.internal.consumer.FileProcessedIds;
import io.kafkautility.internal.consumer.InMemoryProcessedIds;
import java.nio.file.Path;

/**
 * The messages a consumer has finished, by (source, id), so it can skip a redelivery instead of running its handler
 * twice ({@link ConsumerOptions.Builder#processedIds}). Kafka redelivers what was processed but not yet committed
 * after a crash, a rebalance or a reconnect; the envelope's id is stable across those, and across the library's
 * producer retries, so it identifies the message.
 *
 * <p>The consumer asks {@link #contains} before the handler runs and calls {@link #add} once the record is finished
 * (handled or dead-lettered), before its offset can be committed. A crash between the handler's side effect and
 * {@code add} still runs the handler again: this narrows at-least-once to "again only if the process died in that
 * instant", it is not a transaction. A record replayed from the dead-letter topic carries a replay id and counts as a
 * new message.
 *
 * <p>Implementations are thread-safe (a key-ordered consumer calls them from several workers) and bounded: they
 * remember the most recent ids, not all of them.
 */
public interface ProcessedIds extends AutoCloseable {

    /** The last {@code capacity} ids, in memory: redeliveries within one process (rebalances, reconnects). */
    static ProcessedIds inMemory(int capacity) {
        return new InMemoryProcessedIds(capacity);
    }

    /**
     * The last {@code capacity} ids, in memory and appended to {@code file} (one write per id, so it survives the
     * process being killed; compacted when it grows past twice the capacity): redeliveries after a restart of this
     * consumer, e.g. a crash. Members on other hosts do not see it; give each member its own file.
     *
     * @throws io.kafkautility.config.ConfigurationException if the file cannot be read or created
     */
    static ProcessedIds file(Path file, int capacity) {
        return new FileProcessedIds(file, capacity);
    }

    /** Whether message {@code id} of {@code source} was finished. */
    boolean contains(String source, String id);

    /** Records that message {@code id} of {@code source} is finished. */
    void add(String source, String id);

    /** Releases what it holds (a file); the default does nothing. */
    @Override
    default void close() {
    }
}
