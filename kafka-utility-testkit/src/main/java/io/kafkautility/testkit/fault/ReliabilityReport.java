package io.kafkautility.testkit.fault;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counts a {@link ReliabilityLedger} computed. {@link #line()} is the one-line summary every fault test prints:
 * <pre>
 * RELIABILITY &lt;test&gt; produced=.. acked=.. ambiguous=.. consumed=.. lost=.. duplicates=.. outage_ms=.. recovery_ms=.. failed=.. unexpected=.. pending=.. distinct_consumed=..
 * </pre>
 * {@code produced} counts distinct ids sent, {@code consumed} counts deliveries (duplicates included),
 * {@code duplicates} = deliveries - distinct ids delivered, {@code lost} = acked ids never delivered,
 * {@code unexpected} = ids delivered that were never sent or whose send definitely failed. {@code outage_ms} and
 * {@code recovery_ms} (outage end to the first ack after it) are -1 when not marked. Immutable value.
 */
public record ReliabilityReport(String testName, long produced, long acked, long ambiguous, long failed, long pending,
        long consumed, long distinctConsumed, long lost, long unexpected, long duplicates, long outageMs,
        long recoveryMs) {

    private static final Logger log = LoggerFactory.getLogger("RELIABILITY");

    /** The RELIABILITY summary line. */
    public String line() {
        return "RELIABILITY " + testName + " produced=" + produced + " acked=" + acked + " ambiguous=" + ambiguous
                + " consumed=" + consumed + " lost=" + lost + " duplicates=" + duplicates + " outage_ms=" + outageMs
                + " recovery_ms=" + recoveryMs + " failed=" + failed + " unexpected=" + unexpected + " pending="
                + pending + " distinct_consumed=" + distinctConsumed;
    }

    /**
     * Logs {@link #line()} and throws {@link AssertionError} (with the line) if anything acked was lost or anything
     * unexpected was delivered. Duplicates are reported, not asserted; use {@link #assertNoDuplicates()} for that.
     *
     * @return this
     */
    public ReliabilityReport assertNothingLost() {
        log.info(line());
        if (lost != 0 || unexpected != 0) {
            throw new AssertionError("reliability check failed (lost must be 0 and unexpected must be 0): " + line());
        }
        return this;
    }

    /** Throws {@link AssertionError} if any id was delivered more than once. @return this */
    public ReliabilityReport assertNoDuplicates() {
        if (duplicates != 0) {
            throw new AssertionError("duplicates must be 0: " + line());
        }
        return this;
    }

    @Override
    public String toString() {
        return line();
    }
}
