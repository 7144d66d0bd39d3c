package io.kafkautility.response.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The reply records of the last window, kept as they came from Kafka (not decoded), by session, so a session that
 * reconnects gets what it missed. Bounded by age (the record's timestamp) and by an estimate of the bytes held (value,
 * key, headers and a fixed overhead per record); the oldest records go first. Not thread-safe: the response
 * consumer's worker thread only (the gauges read the volatile totals).
 */
final class ReplayBuffer {

    /** What a kept record costs beyond its bytes: the record, its entry and the index. */
    static final int RECORD_OVERHEAD = 200;

    private record Entry(String session, long timestamp, ConsumerRecord<byte[], byte[]> record, int bytes) {
    }

    private final long windowMillis;
    private final long maxBytes;
    private final ArrayDeque<Entry> all = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Entry>> bySession = new HashMap<>();
    private volatile long bytes;
    private volatile int records;
    private long evictedForBytes;

    ReplayBuffer(long windowMillis, long maxBytes) {
        this.windowMillis = windowMillis;
        this.maxBytes = maxBytes;
    }

    /** Keeps {@code record} of {@code session} (at {@code nowMillis}, which also ends what is too old). */
    void add(String session, ConsumerRecord<byte[], byte[]> record, long nowMillis) {
        expire(nowMillis);
        if (windowMillis <= 0 || maxBytes <= 0) {
            return;
        }
        long ts = record.timestamp() > 0 ? record.timestamp() : nowMillis;
        if (ts < nowMillis - windowMillis) {
            return; // read on start-up, already older than the window
        }
        Entry e = new Entry(session, ts, record, size(record));
        all.addLast(e);
        bySession.computeIfAbsent(session, s -> new ArrayDeque<>()).addLast(e);
        bytes += e.bytes;
        records++;
        while (bytes > maxBytes && !all.isEmpty()) {
            remove(all.pollFirst());
            evictedForBytes++;
        }
    }

    /** The kept records of {@code session}, oldest first. */
    List<ConsumerRecord<byte[], byte[]>> of(String session, long nowMillis) {
        expire(nowMillis);
        ArrayDeque<Entry> entries = bySession.get(session);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(entries == null ? 0 : entries.size());
        if (entries != null) {
            entries.forEach(e -> out.add(e.record));
        }
        return out;
    }

    /** Lets go of what is older than the window. */
    void expire(long nowMillis) {
        long oldest = nowMillis - windowMillis;
        while (!all.isEmpty() && all.peekFirst().timestamp < oldest) {
            remove(all.pollFirst());
        }
    }

    private void remove(Entry e) {
        ArrayDeque<Entry> entries = bySession.get(e.session);
        if (entries != null) {
            entries.remove(e); // the session's oldest, in the common case: O(1)
            if (entries.isEmpty()) {
                bySession.remove(e.session);
            }
        }
        bytes -= e.bytes;
        records--;
    }

    long bytes() {
        return bytes;
    }

    int records() {
        return records;
    }

    /** Records let go before their window ended because the buffer was full (a running total). */
    long evictedForBytes() {
        return evictedForBytes;
    }

    static int size(ConsumerRecord<byte[], byte[]> r) {
        int n = RECORD_OVERHEAD + (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length);
        for (Header h : r.headers()) {
            n += h.key().length() + (h.value() == null ? 0 : h.value().length) + 32;
        }
        return n;
    }
}
