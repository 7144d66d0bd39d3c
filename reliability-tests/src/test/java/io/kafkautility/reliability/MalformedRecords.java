package io.kafkautility.reliability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Malformed records of several kinds, sent raw (with a plain Kafka producer, bypassing every check of the library) a few
 * at a time between the records of a valid stream, each kind spread evenly over it. Every record is remembered by where
 * the broker wrote it (partition, offset), so a test can account for each one exactly: in a dead-letter topic by its
 * {@code ku_dlt_original_*} headers, or by an invalid-record counter per reason.
 *
 * <p>Thread-safety: the send methods are called from one thread (the stream's sending thread); acknowledgements are
 * recorded from the producer's I/O thread. The producer belongs to the caller.
 *
 * @param <K> the producer's key type
 */
final class MalformedRecords<K> {

    /**
     * One malformed kind.
     *
     * @param name    the kind, for messages
     * @param reason  the reason the consumer must give for it (dead-letter header or counter tag)
     * @param count   how many to send
     * @param factory the {@code i}-th record of this kind (0-based)
     */
    record Kind<K>(String name, String reason, int count, IntFunction<ProducerRecord<K, byte[]>> factory) {
        Kind {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1 but was " + count + " for " + name);
            }
        }
    }

    private final Producer<K, byte[]> producer;
    private final List<Kind<K>> kinds;
    private final int[] sent;
    private final AtomicInteger sentTotal = new AtomicInteger();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, Kind<K>> byPosition = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    MalformedRecords(Producer<K, byte[]> producer, List<Kind<K>> kinds) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.kinds = List.copyOf(kinds);
        this.sent = new int[this.kinds.size()];
    }

    /** Every how many valid records one malformed record goes out, to spread {@code malformed} over {@code valid}. */
    static int every(int valid, int malformed) {
        return Math.max(1, valid / Math.max(1, malformed));
    }

    /** The kinds, in their order. */
    List<Kind<K>> kinds() {
        return kinds;
    }

    /** Records to send over all kinds. */
    int total() {
        return kinds.stream().mapToInt(Kind::count).sum();
    }

    /** Records handed to the producer so far. */
    int sent() {
        return sentTotal.get();
    }

    /**
     * {@code valid} (the valid stream's send function), with one malformed record sent before every {@code every}-th
     * call until all are sent.
     */
    <T> Function<String, T> interleave(Function<String, T> valid, int every) {
        return id -> {
            if (calls.incrementAndGet() % every == 0) {
                sendNext();
            }
            return valid.apply(id);
        };
    }

    /** Sends one record of the kind furthest behind its share; false when every record was sent. */
    boolean sendNext() {
        int next = -1;
        double least = Double.MAX_VALUE;
        for (int k = 0; k < kinds.size(); k++) {
            int count = kinds.get(k).count();
            double share = (double) sent[k] / count;
            if (sent[k] < count && share < least) {
                least = share;
                next = k;
            }
        }
        if (next < 0) {
            return false;
        }
        Kind<K> kind = kinds.get(next);
        ProducerRecord<K, byte[]> record = kind.factory().apply(sent[next]++);
        sentTotal.incrementAndGet();
        outstanding.incrementAndGet();
        producer.send(record, (md, e) -> {
            if (e == null) {
                byPosition.put(position(md.partition(), md.offset()), kind);
            } else {
                failures.add(kind.name() + ": " + e);
            }
            outstanding.decrementAndGet();
        });
        return true;
    }

    /** Sends whatever was not sent yet. */
    void sendRemaining() {
        while (sendNext()) {
            // one at a time, by share
        }
    }

    /** Waits until every record sent was acknowledged; fails if any was not (the test's input would be unknown). */
    void awaitAcked(Duration timeout) {
        producer.flush();
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> outstanding.get() == 0);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " malformed record(s) were not written: "
                    + new ArrayList<>(failures).subList(0, Math.min(5, failures.size())));
        }
    }

    /** The kind of the malformed record the broker wrote at this position, or null (e.g. a valid record's). */
    Kind<K> at(int partition, long offset) {
        return byPosition.get(position(partition, offset));
    }

    /** Acknowledged records per kind name, in kind order. */
    Map<String, Long> ackedByKind() {
        Map<String, Long> m = new LinkedHashMap<>();
        kinds.forEach(k -> m.put(k.name(), 0L));
        byPosition.values().forEach(k -> m.merge(k.name(), 1L, Long::sum));
        return m;
    }

    /** Acknowledged records per expected reason. */
    Map<String, Long> ackedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        kinds.forEach(k -> m.put(k.reason(), 0L));
        byPosition.values().forEach(k -> m.merge(k.reason(), 1L, Long::sum));
        return m;
    }

    private static String position(int partition, long offset) {
        return partition + "@" + offset;
    }
}
