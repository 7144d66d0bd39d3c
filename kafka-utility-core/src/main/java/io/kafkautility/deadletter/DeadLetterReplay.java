package io.kafkautility.deadletter;

import io.kafkautility.internal.deadletter.DefaultDeadLetterReplay;
import java.util.List;

/**
 * Looks into a dead-letter topic and re-publishes a selection of its records once the cause is fixed.
 *
 * <p>{@link #list()} reads the dead-letter topic up to its current end and describes each record by its
 * {@code ku_dlt_*} headers (reason, original topic, age), never by its payload. {@link #replay(ReplaySelection)}
 * re-publishes the selected records to their original topic (or the selection's target): same key, same value (so
 * the envelope keeps its id), the original headers without the dead-letter and retry ones, plus
 * {@code ku_replay_id} ({@code <dead-letter topic>:<partition>:<offset>}) and {@code ku_replayed_at}. Each replayed
 * record is then recorded in a compacted ledger topic ({@code <dead-letter topic>.replayed}), so running the same
 * replay twice re-publishes nothing twice. Only records whose original topic matches the dead-letter topic's name
 * are replayed to it (a dead-letter record's headers are as untrusted as any); others need an explicit target.
 *
 * <p>Not thread-safe; one replay at a time. {@link #close()} releases its Kafka clients.
 */
public interface DeadLetterReplay extends AutoCloseable {

    /** A replay tool for the dead-letter topic of {@code options}. */
    static DeadLetterReplay create(DeadLetterReplayOptions options) {
        return new DefaultDeadLetterReplay(options);
    }

    /** Every record of the dead-letter topic, in partition and offset order, with whether it was replayed. */
    List<DeadLetterEntry> list();

    /** {@link #list()} counted by reason and age (under an hour, a day, a week, older), and replayed. */
    default DeadLetterSummary summarize() {
        return DeadLetterSummary.of(list());
    }

    /**
     * Re-publishes the selected records not replayed before (none with {@link ReplaySelection#dryRun()}) and records
     * them in the ledger. Blocks until every re-published record is acknowledged.
     *
     * @throws io.kafkautility.KafkaUtilityException if the dead-letter topic cannot be read or a record cannot be
     *         re-published (what was re-published before is recorded; running it again continues)
     */
    ReplayResult replay(ReplaySelection selection);

    @Override
    void close();
}
