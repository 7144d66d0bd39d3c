package io.kafkautility.internal.requestreply;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Puts the chunks of one streamed reply back in sequence order and drops duplicates. Sequence numbers start at 0;
 * the chunk marked final ends the stream. Not thread-safe (used under the stream's lock).
 *
 * @param <T> chunk payload type ({@code null} allowed only for the final chunk: an end marker without payload)
 */
public final class ReorderBuffer<T> {

    /** What {@link #offer} did with a chunk. */
    public enum Result {
        /** Accepted (delivered or held until the gap before it is filled). */
        ACCEPTED,
        /** Already seen (or beyond the final sequence number): dropped. */
        DUPLICATE,
        /** Would hold more than the limit ahead of a gap: not accepted, the stream should fail. */
        OVERFLOW
    }

    private final int maxAhead;
    private final Map<Long, T> ahead = new HashMap<>();
    private long next;
    private long finalSeq = -1;

    /** @param maxAhead most chunks held while waiting for a missing earlier one */
    public ReorderBuffer(int maxAhead) {
        this.maxAhead = maxAhead;
    }

    /**
     * @param seq     the chunk's sequence number
     * @param payload its payload ({@code null} only for a final end marker)
     * @param isFinal whether it is the last chunk
     * @param sink    receives, in order, every payload that became deliverable (end markers are not passed)
     * @return what happened
     */
    public Result offer(long seq, T payload, boolean isFinal, Consumer<? super T> sink) {
        if (seq < next || ahead.containsKey(seq) || (finalSeq >= 0 && seq > finalSeq)
                || (isFinal && finalSeq >= 0)) {
            return Result.DUPLICATE;
        }
        if (isFinal) {
            if (maxKeyAhead() > seq) {
                return Result.DUPLICATE;
            }
            finalSeq = seq;
        }
        if (seq != next) {
            if (ahead.size() >= maxAhead) {
                return Result.OVERFLOW;
            }
            ahead.put(seq, payload);
            return Result.ACCEPTED;
        }
        emit(payload, sink);
        next++;
        while (!ahead.isEmpty()) {
            if (!ahead.containsKey(next)) {
                break;
            }
            emit(ahead.remove(next), sink);
            next++;
        }
        return Result.ACCEPTED;
    }

    private long maxKeyAhead() {
        long max = -1;
        for (Long k : ahead.keySet()) {
            max = Math.max(max, k);
        }
        return max;
    }

    private static <T> void emit(T payload, Consumer<? super T> sink) {
        if (payload != null) {
            sink.accept(payload);
        }
    }

    /** @return whether the final chunk and every chunk before it were delivered */
    public boolean isComplete() {
        return finalSeq >= 0 && next > finalSeq;
    }

    /** @return chunks held ahead of a gap */
    public int heldAhead() {
        return ahead.size();
    }

    /** @return the next sequence number expected */
    public long nextExpected() {
        return next;
    }
}
