package io.kafkautility.consumer.loop;

/**
 * The loop's handle on one record handed to a {@link RecordSink}: the sink says when it starts on the record and
 * whether it finished it. Only finished records count towards the committed offset, and only the contiguous prefix
 * of each partition: a record finished early waits for every earlier one of its partition.
 *
 * <p>Thread-safe: any thread may call it, each method any number of times; only the first of {@link #done()} and
 * {@link #retry()} counts.
 */
public interface RecordAck {

    /**
     * Claims the record before work on it starts. False when the loop no longer wants it (its partition was revoked
     * or is being read again, or the loop is closing): the sink must then drop it without side effects and without
     * calling {@link #done()}. A loop that closes or loses the partition waits, bounded, for the claimed records.
     */
    boolean begin();

    /** Whether the loop still wants the record: a sink waiting (a retry backoff) should give up when false. */
    boolean isWanted();

    /** The record is finished (handled, skipped or dead-lettered): its offset may be committed. */
    void done();

    /**
     * The record is not finished and must be read again: the loop rewinds its partition to its first unfinished
     * record (the records after it that were handed over are no longer wanted) and hands them over again.
     */
    void retry();

    /**
     * The record is not due yet: as {@link #retry()}, and its partition is paused until {@code delay} has passed
     * (the loop's other partitions go on; nobody sleeps on the poll thread). For records that must wait, e.g. in a
     * retry topic until their due time. A negative or zero delay is {@link #retry()}.
     */
    void retryAfter(java.time.Duration delay);
}
