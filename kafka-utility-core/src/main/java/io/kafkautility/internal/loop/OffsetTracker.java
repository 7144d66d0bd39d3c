package io.kafkautility.internal.loop;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Offsets of one partition that are being processed, to know what may be committed: everything below the oldest
 * unfinished offset. Offsets begin in increasing order and may finish in any order. Not thread-safe (poll thread).
 */
public final class OffsetTracker {

    private final ArrayDeque<Long> open = new ArrayDeque<>();
    private final Set<Long> finishedEarly = new HashSet<>();
    private long highest = -1;
    private long committed = -1;

    /** @param offset an offset whose processing starts; must be greater than every earlier one */
    public void begin(long offset) {
        if (offset <= highest) {
            throw new IllegalArgumentException("offset " + offset + " is not above " + highest);
        }
        highest = offset;
        open.addLast(offset);
    }

    /** @param offset an offset whose processing finished (ignored if unknown or already finished) */
    public void finish(long offset) {
        Long first = open.peekFirst();
        if (first == null || offset < first) {
            return;
        }
        if (first == offset) {
            open.pollFirst();
            while (!open.isEmpty() && finishedEarly.remove(open.peekFirst())) {
                open.pollFirst();
            }
        } else if (offset <= highest) {
            finishedEarly.add(offset);
        }
    }

    /** @return the offset to commit (next to consume), or -1 if nothing was seen */
    public long committable() {
        if (highest < 0) {
            return -1;
        }
        Long first = open.peekFirst();
        return first == null ? highest + 1 : first;
    }

    /** @return the committable offset if it moved since {@link #markCommitted}, else -1 */
    public long newCommittable() {
        long c = committable();
        return c > committed ? c : -1;
    }

    /** The last commit failed: {@link #newCommittable} offers the committable offset again. */
    public void forgetCommitted() {
        committed = -1;
    }

    /** @param offset the offset just committed */
    public void markCommitted(long offset) {
        committed = Math.max(committed, offset);
    }

    /** @return the highest offset begun, or -1 */
    public long highest() {
        return highest;
    }

    /** @return offsets not yet finished */
    public int openCount() {
        return open.size();
    }
}
