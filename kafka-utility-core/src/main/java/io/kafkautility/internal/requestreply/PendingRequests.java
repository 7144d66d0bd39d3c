package io.kafkautility.internal.requestreply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded map of requests waiting for replies, keyed by correlation id (O(1) lookups), plus a bounded memory of
 * recently finished correlation ids so a stray reply can be classified as late, duplicate or unknown.
 * Thread-safe.
 *
 * @param <E> entry type
 */
public final class PendingRequests<E> {

    /** How a finished request ended, for classifying later replies. */
    public enum Outcome {
        /** A reply (or the final chunk) arrived: a further reply is a duplicate. */
        REPLIED,
        /** Timed out, failed, cancelled or closed: a further reply is late. */
        ABANDONED
    }

    /** Why a reply was dropped. */
    public enum DropReason {
        LATE, DUPLICATE, UNKNOWN;

        /** @return lowercase tag value */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ConcurrentHashMap<String, E> entries;
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Map<String, Outcome> finished;
    private final String ownPrefix;

    /**
     * @param capacity        most entries at once
     * @param finishedMemory  how many finished ids to remember
     * @param ownPrefix       prefix of the ids this client generates (an unremembered id with it is late, not unknown)
     */
    public PendingRequests(int capacity, int finishedMemory, String ownPrefix) {
        this.capacity = capacity;
        this.entries = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16) * 2);
        this.ownPrefix = ownPrefix;
        this.finished = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
                return size() > finishedMemory;
            }
        };
    }

    /** @return {@code false} if the map is full (nothing registered) */
    public boolean tryRegister(String id, E entry) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        if (entries.putIfAbsent(id, entry) != null) {
            size.decrementAndGet();
            throw new IllegalStateException("correlation id already pending: " + id);
        }
        return true;
    }

    /** @return the entry for {@code id}, or {@code null} */
    public E get(String id) {
        return entries.get(id);
    }

    /**
     * Removes {@code entry} if it is still registered under {@code id} and remembers the outcome.
     *
     * @return whether this call removed it (exactly one caller wins)
     */
    public boolean finish(String id, E entry, Outcome outcome) {
        if (entries.remove(id, entry)) {
            size.decrementAndGet();
            synchronized (finished) {
                finished.put(id, outcome);
            }
            return true;
        }
        return false;
    }

    /** Classifies a reply for an id that is not pending. */
    public DropReason classify(String id) {
        if (id == null) {
            return DropReason.UNKNOWN;
        }
        Outcome outcome;
        synchronized (finished) {
            outcome = finished.get(id);
        }
        if (outcome == Outcome.REPLIED) {
            return DropReason.DUPLICATE;
        }
        if (outcome == Outcome.ABANDONED) {
            return DropReason.LATE;
        }
        return id.startsWith(ownPrefix) ? DropReason.LATE : DropReason.UNKNOWN;
    }

    /** @return a snapshot of the pending entries (for close) */
    public List<Map.Entry<String, E>> snapshot() {
        return new ArrayList<>(entries.entrySet());
    }

    /** @return number of pending entries */
    public int size() {
        return size.get();
    }

    /** @return the bound */
    public int capacity() {
        return capacity;
    }
}
