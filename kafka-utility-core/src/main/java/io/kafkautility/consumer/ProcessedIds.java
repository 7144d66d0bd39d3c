package io.kafkautility.consumer;

import io.kafkautility.internal.consumer.FileProcessedIds;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.consumer.InMemoryProcessedIds;
import io.kafkautility.internal.consumer.KafkaTopicProcessedIds;
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

    /**
     * The last {@code capacity} ids, in memory, shared by every member of a group through the Kafka topic
     * {@code topic}: each new id is also written there (acks=all, idempotent, no linger), and each store reads the
     * topic whole (assigned, without a group) from {@code lookBack} ago, then follows it. A member that takes over a
     * partition after another member died, on any host, skips what that member finished: the handler runs again only
     * for a record finished within one produce round trip of the crash (about a millisecond), or when the write of its
     * id failed (logged, and counted by the store). Returns once the topic is read up to its end at the start.
     *
     * <p>Create the topic yourself, with {@code cleanup.policy=delete} and {@code retention.ms} of at least
     * {@code lookBack} (ids are unique: compaction would keep them all), a few partitions and the replication of your
     * other topics. {@code lookBack} is how long after an id was written a redelivery of its record may still come:
     * how long the group may stay down after a crash. {@link #close()} closes the store's producer and reader.
     *
     * @param connection the cluster
     * @param topic      the ids topic, shared by the group's members (one per group)
     * @param capacity   how many ids to remember, {@code >= 1}
     * @param lookBack   how far back to read at the start, positive
     * @throws io.kafkautility.config.ConfigurationException if the topic does not exist or cannot be read within a
     *                                                      minute
     */
    static ProcessedIds kafkaTopic(KafkaConnectionOptions connection, String topic, int capacity,
                                   java.time.Duration lookBack) {
        return new KafkaTopicProcessedIds(connection, topic, capacity, lookBack, java.time.Duration.ofMinutes(1));
    }

    /** Whether message {@code id} of {@code source} was finished. */
    boolean contains(String source, String id);

    /** Records that message {@code id} of {@code source} is finished. */
    void add(String source, String id);

    /**
     * Registers the store's own meters, if it has any, with {@code registry}. A consumer calls this with its meter
     * registry when it is given the store, so the store's failures show where the consumer's do; calling it again (a
     * store shared by several consumers on one registry) registers nothing new. The store given to
     * {@link #kafkaTopic} counts {@link io.kafkautility.metrics.MetricNames#PROCESSED_IDS_WRITE_FAILURES} and
     * {@link io.kafkautility.metrics.MetricNames#PROCESSED_IDS_SKIPPED}; the default registers nothing.
     */
    default void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    }

    /** Releases what it holds (a file, Kafka clients); the default does nothing. */
    @Override
    default void close() {
    }
}
