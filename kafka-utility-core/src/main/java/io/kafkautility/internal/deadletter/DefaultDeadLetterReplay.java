package io.kafkautility.internal.deadletter;

import io.kafkautility.KafkaUtilityException;
import io.kafkautility.MessageHeaders;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.deadletter.DeadLetterEntry;
import io.kafkautility.deadletter.DeadLetterReplay;
import io.kafkautility.deadletter.DeadLetterReplayOptions;
import io.kafkautility.deadletter.ReplayResult;
import io.kafkautility.deadletter.ReplaySelection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the dead-letter topic without a group (each partition on a {@link ConsumerLoop} assigned from the beginning, up
 * to the end offsets seen at the start, its records handed to the calling thread), re-publishes through an idempotent
 * producer, and keeps the ledger in a compacted topic keyed {@code <partition>:<offset>}. A replayed record is written
 * to the ledger only after it was acknowledged.
 */
public final class DefaultDeadLetterReplay implements DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DefaultDeadLetterReplay.class);
    private static final int MAX_REASON_LENGTH = 64;
    /** Records a partition's reader hands over ahead of the calling thread. */
    private static final int READ_AHEAD = 500;

    private final DeadLetterReplayOptions options;
    private final String dlt;

    public DefaultDeadLetterReplay(DeadLetterReplayOptions options) {
        this.options = options;
        this.dlt = options.deadLetterTopic();
    }

    @Override
    public List<DeadLetterEntry> list() {
        Set<String> ledger = readLedger();
        List<DeadLetterEntry> entries = new ArrayList<>();
        readAll(dlt, true, r -> entries.add(entry(r, ledger)));
        return entries;
    }

    @Override
    public ReplayResult replay(ReplaySelection selection) {
        Set<String> ledger = readLedger();
        if (!selection.dryRun()) {
            ensureLedgerTopic();
        }
        Instant now = Instant.now();
        long[] counts = new long[4]; // selected, replayed, already, refused
        List<String> ids = new ArrayList<>();
        Map<String, Object> producerProps = props("replay");
        producerProps.put("acks", "all");
        producerProps.put("enable.idempotence", true);
        try (KafkaProducer<byte[], byte[]> producer = selection.dryRun() ? null
                : new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Pending> batch = new ArrayList<>();
            readAll(dlt, true, r -> {
                DeadLetterEntry e = entry(r, ledger);
                if (!selection.matches(e, now) || counts[1] + counts[2] + counts[3] >= selection.limit()) {
                    return;
                }
                counts[0]++;
                String key = r.partition() + ":" + r.offset();
                if (ledger.contains(key)) {
                    counts[2]++;
                    return;
                }
                String target = selection.target().orElse(e.originalTopic().filter(options::isOriginOf)
                        .orElse(null));
                if (target == null) {
                    counts[3]++;
                    log.warn("Dead-letter record {}-{}@{} names original topic {}, whose dead-letter topic is not {}; "
                            + "not replayed (give a target to replay it)", dlt, r.partition(), r.offset(),
                            e.originalTopic().orElse("(none)"), dlt);
                    return;
                }
                ids.add(e.replayId(dlt));
                counts[1]++;
                if (producer != null) {
                    batch.add(new Pending(key, target, producer.send(republished(r, target, e, now))));
                    if (batch.size() >= 500) {
                        settle(producer, batch, now);
                    }
                }
            });
            if (producer != null) {
                settle(producer, batch, now);
            }
        }
        ReplayResult result = new ReplayResult(counts[0], selection.dryRun() ? 0 : counts[1], counts[2], counts[3],
                selection.dryRun(), ids);
        log.info("Dead-letter replay of {} ({}): {} selected, {} {}, {} replayed before, {} refused", dlt, selection,
                result.selected(), counts[1], selection.dryRun() ? "would be replayed" : "replayed",
                result.alreadyReplayed(), result.refused());
        return result;
    }

    private record Pending(String key, String target, Future<RecordMetadata> sent) {
    }

    /** Waits for the re-published records, then records them in the ledger (only those acknowledged). */
    private void settle(KafkaProducer<byte[], byte[]> producer, List<Pending> batch, Instant now) {
        List<Future<RecordMetadata>> ledgerWrites = new ArrayList<>();
        try {
            for (Pending p : batch) {
                p.sent().get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                String value = "{\"target\":\"" + p.target().replace("\"", "") + "\",\"replayedAt\":\"" + now + "\"}";
                ledgerWrites.add(producer.send(new ProducerRecord<>(options.ledgerTopic(),
                        p.key().getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> w : ledgerWrites) {
                w.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUtilityException("dead-letter replay of " + dlt + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaUtilityException("dead-letter replay of " + dlt + " could not re-publish or record a "
                    + "record (" + cause.getClass().getSimpleName() + "); what was recorded will not be replayed "
                    + "again, run it again for the rest", cause);
        }
        batch.clear();
    }

    private ProducerRecord<byte[], byte[]> republished(ConsumerRecord<byte[], byte[]> r, String target,
                                                      DeadLetterEntry e, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("ku_dlt_") && !h.key().startsWith("ku_retry_")
                    && !h.key().equals(MessageHeaders.REPLAY_ID) && !h.key().equals(MessageHeaders.REPLAYED_AT)) {
                headers.add(h);
            }
        }
        headers.add(MessageHeaders.REPLAY_ID, e.replayId(dlt).getBytes(StandardCharsets.UTF_8));
        headers.add(MessageHeaders.REPLAYED_AT, now.toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(target, null, null, r.key(), r.value(), headers);
    }

    private DeadLetterEntry entry(ConsumerRecord<byte[], byte[]> r, Set<String> ledger) {
        String reason = header(r, MessageHeaders.DLT_REASON).map(DefaultDeadLetterReplay::printable)
                .filter(s -> !s.isEmpty()).orElse("UNKNOWN");
        Instant failedAt = header(r, MessageHeaders.DLT_FAILED_AT).flatMap(DefaultDeadLetterReplay::instant)
                .orElse(Instant.ofEpochMilli(Math.max(0, r.timestamp())));
        return new DeadLetterEntry(r.partition(), r.offset(), reason,
                header(r, MessageHeaders.DLT_ORIGINAL_TOPIC).map(DefaultDeadLetterReplay::printable), failedAt,
                header(r, MessageHeaders.MESSAGE_ID).map(DefaultDeadLetterReplay::printable),
                ledger.contains(r.partition() + ":" + r.offset()));
    }

    private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), 0, Math.min(h.value().length, 512), StandardCharsets.UTF_8));
    }

    /** A header value fit for a terminal and a log: printable ASCII, at most 64 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_REASON_LENGTH; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static Optional<Instant> instant(String s) {
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Set<String> readLedger() {
        Set<String> keys = new HashSet<>();
        readAll(options.ledgerTopic(), false, r -> {
            if (r.key() != null) {
                if (r.value() == null) {
                    keys.remove(new String(r.key(), StandardCharsets.UTF_8));
                } else {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        });
        return keys;
    }

    private void ensureLedgerTopic() {
        try (Admin admin = Admin.create(props("ledger"))) {
            if (admin.listTopics().names().get(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .contains(options.ledgerTopic())) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(options.ledgerTopic(), Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all()
                    .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUtilityException("creating the replay ledger " + options.ledgerTopic() + " interrupted", e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaUtilityException("cannot create the replay ledger topic " + options.ledgerTopic()
                        + " (" + e.getCause().getClass().getSimpleName() + ")", e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaUtilityException("creating the replay ledger " + options.ledgerTopic() + " timed out", e);
        }
    }

    /**
     * Every record of {@code topic} up to its end offsets now, handed to {@code each} on the calling thread, partition
     * after partition in offset order (so a listing is in that order); a missing topic is empty unless
     * {@code required}. The records are read on a {@link ConsumerLoop} per partition, assigned from the beginning; the
     * client used here for the topic's partitions and offsets never polls.
     */
    private void readAll(String topic, boolean required, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = new ArrayList<>();
        Map<TopicPartition, Long> begin;
        Map<TopicPartition, Long> end;
        try (KafkaConsumer<byte[], byte[]> metadata = newClient()) {
            List<PartitionInfo> infos = metadata.listTopics(options.timeout()).get(topic);
            if (infos == null || infos.isEmpty()) {
                if (required) {
                    throw new KafkaUtilityException("dead-letter topic " + topic + " does not exist");
                }
                return;
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
            begin = metadata.beginningOffsets(partitions, options.timeout());
            end = metadata.endOffsets(partitions, options.timeout());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaUtilityException("cannot read " + topic + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
        long deadline = System.nanoTime() + options.timeout().toNanos() * 10;
        for (TopicPartition tp : partitions) {
            if (begin.get(tp) < end.get(tp)) {
                readPartition(tp, end.get(tp), deadline, each);
            }
        }
    }

    /** A record the loop handed over, waiting for the calling thread. */
    private record Handed(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
    }

    /** The records of {@code tp} below {@code end}, from its beginning, handed to {@code each} on this thread. */
    private void readPartition(TopicPartition tp, long end, long deadline,
                               Consumer<ConsumerRecord<byte[], byte[]>> each) {
        BlockingDeque<Handed> handed = new LinkedBlockingDeque<>(); // bounded by the loop's maxInFlight
        ConsumerLoopOptions loopOptions = ConsumerLoopOptions.assign("dlt-" + tp, this::newClient, c -> List.of(tp))
                .fromBeginning(true)
                .maxInFlight(READ_AHEAD)
                .pollTimeout(java.time.Duration.ofMillis(100))
                .commitInterval(java.time.Duration.ZERO)
                .closeTimeout(options.timeout())
                .build();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic
                .AtomicReference<>();
        RecordSink sink = new RecordSink() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
                handed.add(new Handed(record, ack));
            }

            @Override
            public boolean onFailure(RuntimeException error, java.time.Duration retryIn) {
                failure.set(error); // the loop tries again until the deadline; the timeout names the last failure
                return true;
            }
        };
        try (ConsumerLoop loop = ConsumerLoop.create(loopOptions, sink)) {
            loop.start();
            // the loop's position passes the end once every record below it was handed over and finished here, and
            // also past offsets that hold no record (transaction markers, compacted records)
            while (loop.positions().getOrDefault(tp, -1L) < end) {
                if (System.nanoTime() - deadline > 0) {
                    RuntimeException last = failure.get();
                    throw new KafkaUtilityException("reading " + tp + " did not reach its end (" + end + ") in time"
                            + (last == null ? "" : "; the last client failure: " + last.getClass().getSimpleName()),
                            last);
                }
                Handed h = handed.pollFirst(20, TimeUnit.MILLISECONDS);
                if (h != null && h.ack().begin()) {
                    try {
                        if (h.record().offset() < end) {
                            each.accept(h.record());
                        }
                    } finally {
                        h.ack().done();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUtilityException("reading " + tp + " interrupted", e);
        }
    }

    private KafkaConsumer<byte[], byte[]> newClient() {
        return new KafkaConsumer<>(props("reader"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> props(String role) {
        Map<String, Object> p = new HashMap<>(options.connection().clientProperties());
        p.put("client.id", "ku-dlt-" + role + "-" + dlt);
        if (role.equals("reader")) {
            p.put("enable.auto.commit", false); // no group: nothing to commit, a fresh read each time
            p.put("auto.offset.reset", "earliest");
            // a transactional publisher's aborted records are not dead letters; the end is then the last stable offset
            p.put("isolation.level", "read_committed");
            p.remove("group.id");
        }
        return p;
    }

    @Override
    public void close() {
        // clients live only for the duration of each call
    }

    @Override
    public String toString() {
        return "DeadLetterReplay{" + options + "}";
    }
}
