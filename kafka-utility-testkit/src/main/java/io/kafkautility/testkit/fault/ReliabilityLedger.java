package io.kafkautility.testkit.fault;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Both sides of a reliability test in the style of Jepsen's checkers: the producer side records, per unique message id,
 * whether the send was <b>acked</b>, definitely <b>failed</b> (the broker cannot have written it) or <b>ambiguous</b>
 * (e.g. a timeout: it may or may not be in the log); the consumer side records every delivery. {@link #check()}
 * computes what was lost (acked, never consumed), unexpected (consumed, never sent) and duplicated (delivered more than
 * once), plus the outage and recovery times marked by the test.
 *
 * <pre>{@code
 * ReliabilityLedger ledger = ReliabilityLedger.create("brokerKilled");
 * String id = ledger.nextId();
 * ledger.sent(id);
 * producer.send(record(id), (md, e) -> ledger.sendCompleted(id, e));
 * ...
 * ledger.consumed(idFrom(record));        // for every record polled
 * ledger.check().assertNothingLost();     // logs the RELIABILITY line, throws AssertionError if lost/unexpected > 0
 * }</pre>
 *
 * <p>Thread-safety: every method is thread-safe (producer callbacks and consumer threads may record concurrently).
 * Memory grows with the number of ids (a test harness, not for production). Nothing to close.
 */
public final class ReliabilityLedger {

    /** What the producer side knows about one id. */
    public enum SendOutcome { PENDING, ACKED, FAILED, AMBIGUOUS }

    private final String testName;
    private final LongSupplier nanoClock;
    private final Map<String, SendOutcome> sends = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong deliveryCount = new AtomicLong();
    private final AtomicLong idSequence = new AtomicLong();
    private final AtomicLong outageStart = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong outageEnd = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong firstAckAfterOutage = new AtomicLong(Long.MIN_VALUE);

    private ReliabilityLedger(String testName, LongSupplier nanoClock) {
        if (testName == null || testName.isBlank() || testName.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("testName must be non-blank without whitespace but was '" + testName
                    + "'");
        }
        this.testName = testName;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A ledger for the named test (the name appears in the RELIABILITY line; no whitespace). */
    public static ReliabilityLedger create(String testName) {
        return new ReliabilityLedger(testName, System::nanoTime);
    }

    /** Same, with a nanosecond clock seam for tests of the ledger itself. */
    public static ReliabilityLedger create(String testName, LongSupplier nanoClock) {
        return new ReliabilityLedger(testName, nanoClock);
    }

    public String testName() {
        return testName;
    }

    /** A fresh id unique within this ledger: {@code <testName>-<sequence>}. */
    public String nextId() {
        return testName + "-" + idSequence.incrementAndGet();
    }

    /**
     * Records that a message with this id is about to be sent.
     *
     * @throws IllegalArgumentException if the id was already sent through this ledger (ids must be unique)
     */
    public void sent(String id) {
        Objects.requireNonNull(id, "id");
        if (sends.putIfAbsent(id, SendOutcome.PENDING) != null) {
            throw new IllegalArgumentException("id " + id + " was already sent; ids must be unique");
        }
    }

    /** Records the broker's acknowledgement of {@code id}. */
    public void acked(String id) {
        complete(id, SendOutcome.ACKED);
        long now = nanoClock.getAsLong();
        long end = outageEnd.get();
        if (end != Long.MIN_VALUE && now - end >= 0) {
            firstAckAfterOutage.compareAndSet(Long.MIN_VALUE, now);
        }
    }

    /** Records that {@code id} definitely was not written (e.g. rejected as too large, not authorised). */
    public void failed(String id) {
        complete(id, SendOutcome.FAILED);
    }

    /** Records that the outcome of {@code id} is unknown: it may or may not have been written. */
    public void ambiguous(String id) {
        complete(id, SendOutcome.AMBIGUOUS);
    }

    /**
     * Records a producer callback's result: {@code null} is an ack, an error the broker raises before writing (see
     * {@link #isDefinitelyNotWritten(Throwable)}) is a failure, anything else (timeouts, disconnects) is ambiguous.
     */
    public void sendCompleted(String id, Throwable error) {
        if (error == null) {
            acked(id);
        } else if (isDefinitelyNotWritten(error)) {
            failed(id);
        } else {
            ambiguous(id);
        }
    }

    /**
     * Whether a send error means the record cannot be in the log. Conservative: only errors raised before the append
     * count; timeouts, disconnects and even {@code NotEnoughReplicasException} are ambiguous (an earlier attempt of a
     * retried batch may have been written before the last attempt was rejected).
     */
    public static boolean isDefinitelyNotWritten(Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException) {
            if (e.getCause() == null) {
                break;
            }
            e = e.getCause();
        }
        return e instanceof RecordTooLargeException
                || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException
                || e instanceof SerializationException
                || e instanceof AuthorizationException
                || e instanceof AuthenticationException
                || e instanceof UnsupportedVersionException;
    }

    private void complete(String id, SendOutcome outcome) {
        Objects.requireNonNull(id, "id");
        // an id never marked sent() is still recorded, so a test that forgets sent() does not hide anything
        sends.merge(id, outcome, (old, now) -> old == SendOutcome.ACKED ? old : now);
    }

    /** Records one delivery of {@code id} to a consumer (call for every record polled, duplicates included). */
    public void consumed(String id) {
        Objects.requireNonNull(id, "id");
        deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        deliveryCount.incrementAndGet();
    }

    /** Marks the moment the test injected its fault (kill, pause, blackhole...). First call wins. */
    public void outageStarted() {
        outageStart.compareAndSet(Long.MIN_VALUE, nanoClock.getAsLong());
    }

    /** Marks the moment the fault was removed. First call wins. */
    public void outageEnded() {
        outageEnd.compareAndSet(Long.MIN_VALUE, nanoClock.getAsLong());
    }

    /** Number of acked ids not consumed yet: poll this (e.g. with Awaitility) to wait for the consumer. */
    public long ackedNotConsumed() {
        return sends.entrySet().stream()
                .filter(e -> e.getValue() == SendOutcome.ACKED && !deliveries.containsKey(e.getKey()))
                .count();
    }

    /** Number of ids whose send has not completed yet. */
    public long pending() {
        return sends.values().stream().filter(o -> o == SendOutcome.PENDING).count();
    }

    /** The outcome recorded for {@code id}, or null if it was never sent. */
    public SendOutcome outcome(String id) {
        return sends.get(id);
    }

    /** Computes the report from everything recorded so far (the ledger keeps recording afterwards). */
    public ReliabilityReport check() {
        long produced = sends.size();
        long acked = 0;
        long failed = 0;
        long ambiguous = 0;
        long pending = 0;
        long lost = 0;
        long failedButConsumed = 0;
        for (Map.Entry<String, SendOutcome> e : sends.entrySet()) {
            boolean delivered = deliveries.containsKey(e.getKey());
            switch (e.getValue()) {
                case ACKED -> {
                    acked++;
                    if (!delivered) {
                        lost++;
                    }
                }
                case FAILED -> {
                    failed++;
                    if (delivered) {
                        failedButConsumed++;
                    }
                }
                case AMBIGUOUS -> ambiguous++;
                case PENDING -> pending++;
                default -> throw new IllegalStateException(e.getValue().name());
            }
        }
        Set<String> consumedIds = deliveries.keySet();
        long unexpected = consumedIds.stream().filter(id -> !sends.containsKey(id)).count();
        long consumed = deliveryCount.get();
        long duplicates = consumed - consumedIds.size();
        long start = outageStart.get();
        long end = outageEnd.get();
        long firstAck = firstAckAfterOutage.get();
        long outageMs = start != Long.MIN_VALUE && end != Long.MIN_VALUE
                ? TimeUnit.NANOSECONDS.toMillis(end - start) : -1;
        long recoveryMs = end != Long.MIN_VALUE && firstAck != Long.MIN_VALUE
                ? TimeUnit.NANOSECONDS.toMillis(firstAck - end) : -1;
        return new ReliabilityReport(testName, produced, acked, ambiguous, failed, pending, consumed,
                consumedIds.size(), lost, unexpected + failedButConsumed, duplicates, outageMs, recoveryMs);
    }
}
