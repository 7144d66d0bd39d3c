package io.kafkautility.internal.loop;

import io.kafkautility.KafkaUtilityException;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConsumerLoop}. The poll thread owns the Kafka client and the per-partition state; sinks report on any
 * thread through {@link Ack}, which takes {@link #lock} (the only lock; never held while calling Kafka or the sink).
 * A partition's state has a generation that gates {@link RecordAck#begin()} (moved on when the partition is revoked,
 * rewound or closed: records handed over earlier are no longer wanted) and an {@link OffsetTracker} that gates
 * {@link RecordAck#done()} (replaced on a rewind: what the old one tracked is read again).
 */
public final class DefaultConsumerLoop implements ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(DefaultConsumerLoop.class);
    private static final long DIAGNOSE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration RECONNECT_COMMIT_TIMEOUT = Duration.ofSeconds(2);
    private static final long HEALTH_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LAG_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration LAG_LOOKUP_TIMEOUT = Duration.ofMillis(500);
    private static final long RECENT_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Three default heartbeat intervals (3 s) without one: the group coordinator is out of reach. */
    private static final long HEARTBEAT_STALE_SECONDS = 9;

    private final ConsumerLoopOptions options;
    private final RecordSink sink;
    private final boolean groupMode;
    private final Thread thread;
    private final Object lock = new Object();
    /** Owned partitions (lock). */
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final ConcurrentLinkedQueue<Ack> rewinds = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Backoff backoffWait = new Backoff();
    private final Counter reconnects;
    private volatile boolean closing;
    private volatile boolean stopped;
    private volatile boolean clientReady;
    private volatile Duration closeBudget;
    private volatile Consumer<byte[], byte[]> consumer;

    // poll thread only
    /** Assign mode: where each partition is read next, kept across clients. */
    private final Map<TopicPartition, Long> assignPositions = new HashMap<>();
    private volatile Map<TopicPartition, Long> positionsView = Map.of();
    private boolean paused;
    private boolean asyncCommitInFlight;
    private long lastCommitNanos;
    private long clientCreatedAt;
    private boolean diagnosed;

    // health, written by the poll thread
    private volatile long lastPollNanos;
    private volatile double lagMax = -1;
    private volatile double heartbeatSecondsAgo = -1;
    private volatile int assignedPartitions;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private long healthSampledNanos;
    private long lagSampledNanos;
    /** Since when the log-end lookup fails (0 while it works): brokers not answering, even without a group. */
    private volatile long lookupFailingSince;

    public DefaultConsumerLoop(ConsumerLoopOptions options, RecordSink sink) {
        this.options = options;
        this.sink = java.util.Objects.requireNonNull(sink, "sink");
        this.groupMode = options.assignment().isEmpty();
        this.closeBudget = options.closeTimeout();
        this.reconnects = options.meterRegistry().map(r -> Counter.builder(MetricNames.CONSUMER_RECONNECTS)
                .tag(MetricNames.TAG_CLIENT, options.name()).register(r)).orElse(null);
        this.thread = new Thread(this::run, "ku-loop-" + options.name());
        this.thread.setDaemon(true);
    }

    @Override
    public ConsumerLoop start() {
        if (closing) {
            throw new IllegalStateException("consumer loop " + options.name() + " is closed");
        }
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
        return this;
    }

    @Override
    public CompletableFuture<Void> ready() {
        if (stopped || closing) {
            return CompletableFuture.failedFuture(ready.isCompletedExceptionally() ? cause(ready)
                    : new KafkaUtilityException("consumer loop " + options.name() + " is closed"));
        }
        return ready.copy();
    }

    @Override
    public boolean isReady() {
        return clientReady && isRunning();
    }

    @Override
    public boolean isRunning() {
        return started.get() && !stopped && !closing;
    }

    @Override
    public Map<TopicPartition, Long> positions() {
        return positionsView;
    }

    // ------------------------------------------------------------------ poll thread

    private void run() {
        Duration backoff = options.initialBackoff();
        try {
            while (!closing) {
                try {
                    if (consumer == null) {
                        connect();
                    }
                    diagnose();
                    applyRewinds();
                    flowControl();
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(inFlight() > 0
                            ? options.busyPollTimeout() : options.pollTimeout());
                    sampleHealth();
                    dispatch(records);
                    applyRewinds();
                    if (System.nanoTime() - lastCommitNanos >= options.commitInterval().toNanos()) {
                        commitAsync();
                        if (!groupMode) {
                            advanceIdlePositions();
                        }
                        lastCommitNanos = System.nanoTime();
                    }
                    if (clientReady) {
                        // only a client that got its partitions proved the settings work: one that fails on its
                        // second poll (e.g. authentication) keeps backing off instead of reconnecting twice a second
                        backoff = options.initialBackoff();
                    }
                } catch (WakeupException e) {
                    // close() woke the client up, or a stray wakeup: the loop condition decides
                } catch (InterruptException e) {
                    Thread.interrupted(); // close() interrupts only a poll thread that outlived its budget
                } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                    if (closing) {
                        break;
                    }
                    RuntimeException failure = e instanceof RuntimeException re ? re
                            : new KafkaUtilityException("consumer loop " + options.name() + " failed: " + e, e);
                    if (!fail(failure, backoff)) {
                        ready.completeExceptionally(failure);
                        break;
                    }
                    backoffWait.await(backoff);
                    backoff = Backoff.next(backoff, options.maxBackoff());
                }
            }
            shutdown();
        } catch (Throwable t) { // nothing above throws; if it does, say so instead of dying silently
            log.error("Consumer loop {} stopped unexpectedly", options.name(), t);
            closeClient(Duration.ZERO);
        } finally {
            stopped = true;
            clientReady = false;
            ready.completeExceptionally(new KafkaUtilityException("consumer loop " + options.name()
                    + " closed before it was assigned partitions"));
        }
    }

    private void connect() {
        Consumer<byte[], byte[]> c = options.clients().get();
        consumer = c;
        clientCreatedAt = System.nanoTime();
        diagnosed = false;
        paused = false;
        if (groupMode) {
            c.subscribe(options.topics(), new Rebalance());
            return;
        }
        if (assignPositions.isEmpty()) { // the first client: ask for the partitions, start at their ends (or starts)
            List<TopicPartition> partitions = new ArrayList<>(options.assignment().get().apply(c));
            c.assign(partitions);
            if (options.fromBeginning()) {
                c.seekToBeginning(partitions);
            } else {
                c.seekToEnd(partitions);
            }
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> from = Map.of();
            if (!options.lookBack().isZero() && !partitions.isEmpty()) {
                long since = Math.max(0, System.currentTimeMillis() - options.lookBack().toMillis());
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, since));
                from = c.offsetsForTimes(query, options.commitTimeout());
            }
            for (TopicPartition tp : partitions) {
                org.apache.kafka.clients.consumer.OffsetAndTimestamp at = from.get(tp);
                if (at != null) {
                    c.seek(tp, at.offset());
                }
                assignPositions.put(tp, c.position(tp, options.commitTimeout()));
            }
        } else {
            c.assign(assignPositions.keySet());
            assignPositions.forEach(c::seek);
        }
        synchronized (lock) {
            assignPositions.keySet().forEach(tp -> states.put(tp, new PartitionState()));
        }
        positionsView = Map.copyOf(assignPositions);
        assignedPartitions = assignPositions.size();
        clientReady = true;
        log.debug("Consumer loop {} assigned and positioned at {}", options.name(), assignPositions);
        ready.complete(null);
    }

    private void diagnose() {
        if (diagnosed || clientReady || options.diagnosis().isEmpty()
                || System.nanoTime() - clientCreatedAt < DIAGNOSE_AFTER_NANOS) {
            return;
        }
        diagnosed = true; // kafka-clients says nothing about e.g. a PLAINTEXT client on a TLS port: probe once
        RuntimeException mismatch = options.diagnosis().get().get();
        if (mismatch != null) {
            throw mismatch;
        }
    }

    private int inFlight() {
        synchronized (lock) {
            int n = 0;
            for (PartitionState s : states.values()) {
                n += s.tracker.openCount();
            }
            return n;
        }
    }

    /**
     * Pauses every partition while the records in flight reach {@code maxInFlight}, else only the partitions whose
     * sink asked to wait ({@link RecordAck#retryAfter}) until their time has come; resumes the rest.
     */
    private void flowControl() {
        boolean full = inFlight() >= options.maxInFlight();
        paused = full;
        Set<TopicPartition> assignment = consumer.assignment();
        Set<TopicPartition> wanted = new HashSet<>();
        if (full) {
            wanted.addAll(assignment);
        } else {
            long now = System.nanoTime();
            synchronized (lock) {
                states.forEach((tp, st) -> {
                    if (st.delayed && st.delayedUntilNanos - now > 0 && assignment.contains(tp)) {
                        wanted.add(tp);
                    } else {
                        st.delayed = false;
                    }
                });
            }
        }
        Set<TopicPartition> current = consumer.paused();
        if (current.equals(wanted)) {
            return;
        }
        List<TopicPartition> pause = new ArrayList<>();
        for (TopicPartition tp : wanted) {
            if (!current.contains(tp)) {
                pause.add(tp);
            }
        }
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : current) {
            if (!wanted.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                Ack ack;
                synchronized (lock) {
                    PartitionState s = states.get(tp);
                    if (s == null || s.rewindPending) {
                        break; // not ours any more (a revoke inside this poll), or read again after the rewind
                    }
                    if (s.tracker.highest() >= record.offset()) {
                        // the client moved back by itself (offset reset): what was handed over is not wanted again
                        s.rewound();
                    }
                    s.tracker.begin(record.offset());
                    ack = new Ack(s, s.generation, s.tracker, record.offset(), tp);
                }
                try {
                    sink.accept(record, ack);
                } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                    log.error("Consumer loop {}: its sink failed on {}-{}@{}; the record will be read again",
                            options.name(), record.topic(), record.partition(), record.offset(), e);
                    ack.retry();
                    throw e;
                }
            }
        }
    }

    /** Rewinds the partitions whose sink asked for a record again, to their first unfinished record. */
    private void applyRewinds() {
        Ack ack;
        while ((ack = rewinds.poll()) != null) {
            long from;
            synchronized (lock) {
                PartitionState s = states.get(ack.partition);
                if (s != ack.state || s.tracker != ack.tracker) {
                    continue; // already rewound, or revoked
                }
                from = s.tracker.committable();
                s.rewound();
                s.rewindPending = false;
                if (ack.delayNanos > 0) {
                    s.delayed = true;
                    s.delayedUntilNanos = System.nanoTime() + ack.delayNanos;
                }
            }
            if (ack.delayNanos > 0) {
                log.debug("Consumer loop {}: {} waits {} ms for offset {}", options.name(), ack.partition,
                        TimeUnit.NANOSECONDS.toMillis(ack.delayNanos), from);
            } else {
                log.warn("Consumer loop {}: {} was left unfinished at offset {}; reading it again from {}",
                        options.name(), ack.partition, ack.offset, from);
            }
            consumer.seek(ack.partition, from);
        }
    }

    /** What may be committed now, per owned partition (or {@code only} of them), marked as committed. */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        synchronized (lock) {
            for (Map.Entry<TopicPartition, PartitionState> e : states.entrySet()) {
                if (only != null && !only.contains(e.getKey())) {
                    continue;
                }
                long c = e.getValue().tracker.newCommittable();
                if (c >= 0) {
                    offsets.put(e.getKey(), new OffsetAndMetadata(c));
                    e.getValue().tracker.markCommitted(c);
                }
            }
        }
        if (!groupMode && !offsets.isEmpty()) {
            // never behind the fetch position a partition with nothing unfinished was advanced to (below)
            offsets.forEach((tp, om) -> assignPositions.merge(tp, om.offset(), Math::max));
            positionsView = Map.copyOf(assignPositions);
        }
        return offsets;
    }

    /**
     * Assign mode: a partition with nothing unfinished is next read at the client's fetch position, which is past
     * offsets that hold no record for a sink (transaction markers, records removed by compaction). Without this its
     * position would stay after its last record, short of the partition's end, and a reader waiting for the end would
     * wait for ever; a recreated client would also fetch those offsets again.
     */
    private void advanceIdlePositions() {
        List<TopicPartition> idle = new ArrayList<>();
        synchronized (lock) {
            states.forEach((tp, st) -> {
                if (st.tracker.openCount() == 0 && !st.rewindPending) {
                    idle.add(tp);
                }
            });
        }
        boolean moved = false;
        for (TopicPartition tp : idle) {
            long fetch = consumer.position(tp, options.commitTimeout()); // known after the seek: no request
            synchronized (lock) {
                PartitionState st = states.get(tp);
                // only this thread hands out records, so a partition idle above is still idle unless rewound
                if (st != null && st.tracker.openCount() == 0 && !st.rewindPending
                        && fetch > assignPositions.getOrDefault(tp, -1L)) {
                    assignPositions.put(tp, fetch);
                    moved = true;
                }
            }
        }
        if (moved) {
            positionsView = Map.copyOf(assignPositions);
        }
    }

    private void commitAsync() {
        if (asyncCommitInFlight) {
            return; // one at a time: a later iteration commits what finished meanwhile
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(null);
        if (offsets.isEmpty() || !groupMode) {
            return;
        }
        asyncCommitInFlight = true;
        consumer.commitAsync(offsets, (done, error) -> { // runs on this thread, inside a later poll or commit
            asyncCommitInFlight = false;
            if (error != null) {
                log.debug("Consumer loop {} async commit failed (the next commit retries it): {}", options.name(),
                        error.toString());
                synchronized (lock) {
                    for (TopicPartition tp : done.keySet()) {
                        PartitionState s = states.get(tp);
                        if (s != null) {
                            s.tracker.forgetCommitted();
                        }
                    }
                }
            }
        });
    }

    /** Commits synchronously what finished of {@code partitions} (all when null); false if it could not. */
    private boolean commitSync(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
        if (offsets.isEmpty() || !groupMode) {
            return true;
        }
        try {
            try {
                consumer.commitSync(offsets, timeout);
            } catch (WakeupException e) {
                // close() woke the client while this thread was outside poll(): that wakeup is spent now
                consumer.commitSync(offsets, timeout);
            }
            return true;
        } catch (RuntimeException e) {
            log.warn("Consumer loop {} could not commit {} ({}); those records will be read again", options.name(),
                    offsets.keySet(), e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * No record of {@code partitions} (all when null) may start any more; waits, within the close budget, for those
     * that did, then interrupts what is left.
     */
    private void abandon(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + closeBudget.toNanos();
        boolean late = false;
        synchronized (lock) {
            List<PartitionState> abandoned = new ArrayList<>();
            states.forEach((tp, s) -> {
                if (partitions == null || partitions.contains(tp)) {
                    s.generation++;
                    abandoned.add(s);
                }
            });
            while (abandoned.stream().anyMatch(s -> s.started > 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    late = true;
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (late) {
            log.warn("Consumer loop {}: records in progress did not finish within {}; interrupting them",
                    options.name(), closeBudget);
            sink.interrupt();
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            partitions.forEach(tp -> {
                PartitionState s = states.remove(tp);
                if (s != null) {
                    s.generation++;
                }
            });
        }
    }

    /** After a failure: logs, tells the sink, saves what it can and drops the client. False: stop for good. */
    private boolean fail(RuntimeException e, Duration retryIn) {
        lastFailure = e.getClass().getSimpleName();
        lastFailureNanos = System.nanoTime();
        if (reconnects != null) {
            reconnects.increment();
        }
        log.warn("Consumer loop {} failed ({}: {}); recreating its Kafka consumer in {} ms", options.name(),
                e.getClass().getSimpleName(), LogText.oneLine(String.valueOf(e.getMessage())), retryIn.toMillis());
        boolean again;
        try {
            again = sink.onFailure(e, retryIn);
        } catch (RuntimeException listener) {
            log.warn("Consumer loop {} failure listener threw {}; ignored", options.name(), listener.toString());
            again = true;
        }
        clientReady = false;
        if (consumer != null) {
            abandon(null);
            commitSync(null, RECONNECT_COMMIT_TIMEOUT);
        }
        forgetAll();
        closeClient(Duration.ZERO);
        return again;
    }

    private void forgetAll() {
        synchronized (lock) {
            states.values().forEach(s -> s.generation++);
            states.clear();
        }
        rewinds.clear();
        asyncCommitInFlight = false; // its client is gone, and with it the callback
    }

    private void shutdown() {
        if (consumer == null) {
            return;
        }
        long deadline = System.nanoTime() + closeBudget.toNanos();
        abandon(null);
        commitSync(null, remaining(deadline));
        forgetAll();
        closeClient(remaining(deadline));
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 0));
    }

    private void closeClient(Duration timeout) {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        clientReady = false;
        if (c != null) {
            try {
                c.close(CloseOptions.timeout(timeout));
            } catch (RuntimeException e) {
                log.debug("Consumer loop {} close: {}", options.name(), e.toString());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (consumer == null) {
                return; // called from close(): what could be committed was
            }
            abandon(partitions);
            commitSync(partitions, options.commitTimeout());
            forget(partitions);
            assignedPartitions = consumer.assignment().size() - partitions.size();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            abandon(partitions); // another member may own them already: no commit, but no overlap either
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            synchronized (lock) {
                partitions.forEach(tp -> states.put(tp, new PartitionState()));
            }
            if (paused) {
                consumer.pause(partitions);
            }
            if (options.pinStartPositions() && !partitions.isEmpty()) {
                pin(partitions);
            }
            assignedPartitions = consumer.assignment().size();
            if (!partitions.isEmpty() || !ready.isDone()) {
                log.info("Consumer loop {} assigned {}", options.name(), partitions);
            }
            clientReady = true;
            ready.complete(null);
        }

        /** Commits the first position of partitions the group never committed (auto.offset.reset applies once). */
        private void pin(Collection<TopicPartition> partitions) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions),
                        options.commitTimeout());
                Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    if (committed.get(tp) == null) {
                        initial.put(tp, new OffsetAndMetadata(consumer.position(tp, options.commitTimeout())));
                    }
                }
                if (!initial.isEmpty()) {
                    consumer.commitSync(initial, options.commitTimeout());
                }
            } catch (WakeupException | InterruptException stop) {
                throw stop;
            } catch (RuntimeException e) {
                log.warn("Consumer loop {} could not record its starting offsets for {}: {}", options.name(),
                        partitions, e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ per partition

    /** One owned partition (fields guarded by {@link #lock}). */
    private static final class PartitionState {
        int generation;
        int started;
        /** A sink asked for a record again: nothing more of the partition is handed over until it is rewound. */
        boolean rewindPending;
        /** A sink asked the partition to wait ({@link RecordAck#retryAfter}): paused until then. */
        boolean delayed;
        long delayedUntilNanos;
        OffsetTracker tracker = new OffsetTracker();

        /** What was handed over is not wanted any more; tracking starts over. */
        void rewound() {
            generation++;
            tracker = new OffsetTracker();
        }
    }

    private final class Ack implements RecordAck {
        private final PartitionState state;
        private final int generation;
        private final OffsetTracker tracker;
        private final long offset;
        private final TopicPartition partition;
        private int phase; // 0 handed over, 1 begun, 2 ended (lock)
        /** How long the partition waits once rewound, from {@link #retryAfter}; 0 for none. */
        private volatile long delayNanos;

        Ack(PartitionState state, int generation, OffsetTracker tracker, long offset, TopicPartition partition) {
            this.state = state;
            this.generation = generation;
            this.tracker = tracker;
            this.offset = offset;
            this.partition = partition;
        }

        @Override
        public boolean begin() {
            synchronized (lock) {
                if (phase == 0) {
                    if (closing || state.generation != generation) {
                        phase = 2;
                        return false;
                    }
                    phase = 1;
                    state.started++;
                }
                return phase == 1;
            }
        }

        @Override
        public boolean isWanted() {
            synchronized (lock) {
                return !closing && state.generation == generation && phase != 2;
            }
        }

        @Override
        public void done() {
            end(true);
        }

        @Override
        public void retry() {
            if (end(false)) {
                rewinds.add(this);
            }
        }

        @Override
        public void retryAfter(Duration delay) {
            delayNanos = delay == null || delay.isNegative() ? 0 : delay.toNanos();
            retry();
        }

        /** Ends the record once; true if its tracker is still the partition's (the outcome counts). */
        private boolean end(boolean finished) {
            synchronized (lock) {
                if (phase == 2) {
                    return false;
                }
                if (phase == 1) {
                    state.started--;
                    lock.notifyAll();
                }
                phase = 2;
                boolean current = state.tracker == tracker;
                if (current && finished) {
                    tracker.finish(offset);
                } else if (current && !state.rewindPending) {
                    // records handed over after this one must not start before the partition is read again
                    state.generation++;
                    state.rewindPending = true;
                }
                return current;
            }
        }
    }

    // ------------------------------------------------------------------ health

    /** Notes the poll, and once a second reads the last heartbeat; every 5 s the records not finished yet. */
    private void sampleHealth() {
        long now = System.nanoTime();
        lastPollNanos = now;
        if (now - healthSampledNanos < HEALTH_SAMPLE_NANOS) {
            return;
        }
        healthSampledNanos = now;
        double heartbeat = -1;
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("last-heartbeat-seconds-ago")) {
                Object v = e.getValue().metricValue();
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    heartbeat = n.doubleValue();
                }
            }
        }
        heartbeatSecondsAgo = heartbeat;
        if (now - lagSampledNanos < LAG_SAMPLE_NANOS) {
            return;
        }
        lagSampledNanos = now;
        // from the next record to finish (else the fetch position) to the log end: paused partitions are not
        // fetched, so the client's own lag metric would go stale under back-pressure
        Set<TopicPartition> owned = consumer.assignment();
        double lag = owned.isEmpty() ? 0 : -1;
        if (!owned.isEmpty()) {
            try {
                Map<TopicPartition, Long> ends = consumer.endOffsets(owned, LAG_LOOKUP_TIMEOUT);
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    if (e.getValue() == null) {
                        continue;
                    }
                    long from;
                    synchronized (lock) {
                        PartitionState s = states.get(e.getKey());
                        from = s == null ? -1 : s.tracker.committable();
                    }
                    if (from < 0) {
                        from = consumer.position(e.getKey(), Duration.ZERO);
                    }
                    lag = Math.max(lag, Math.max(0, e.getValue() - from));
                }
                lookupFailingSince = 0;
            } catch (WakeupException | InterruptException stop) {
                throw stop;
            } catch (org.apache.kafka.common.errors.AuthorizationException forbidden) {
                lag = -1; // no permission to list offsets: not known, and says nothing about the brokers
            } catch (RuntimeException unknown) {
                lag = -1; // not known now (broker slow or away): not reported
                if (lookupFailingSince == 0) {
                    lookupFailingSince = now;
                }
            }
        }
        lagMax = lag;
    }

    @Override
    public Health health(String component, long maxLag, Map<String, Object> extra) {
        List<String> reasons = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        HealthStatus status = HealthStatus.UP;
        long now = System.nanoTime();
        boolean running = isRunning();
        details.put("running", running);
        details.put("ready", isReady());
        details.put("assignedPartitions", assignedPartitions);
        if (lastPollNanos != 0) {
            details.put("lastPollMillisAgo", TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos));
        }
        if (lagMax >= 0) {
            details.put("lagMax", (long) lagMax);
        }
        if (heartbeatSecondsAgo >= 0) {
            details.put("heartbeatSecondsAgo", (long) heartbeatSecondsAgo);
        }
        details.putAll(extra);
        String failure = lastFailure;
        if (failure != null && now - lastFailureNanos < RECENT_FAILURE_NANOS) {
            status = HealthStatus.DEGRADED;
            reasons.add("its Kafka client failed " + TimeUnit.NANOSECONDS.toMillis(now - lastFailureNanos)
                    + " ms ago (" + failure + ")");
        }
        if (lagMax > maxLag) {
            status = status.worst(HealthStatus.DEGRADED);
            reasons.add("falling behind: " + (long) lagMax + " records not handled yet on its most lagging partition "
                    + "(more than " + maxLag + ")");
        }
        long stale = Math.max(10_000, 3 * options.pollTimeout().toMillis());
        if (!running) {
            status = HealthStatus.DOWN;
            reasons.add(started.get() ? "closed" : "not started");
        } else if (!ready.isDone() || ready.isCompletedExceptionally()) {
            status = HealthStatus.DOWN;
            reasons.add(ready.isCompletedExceptionally() ? "could not join its group" : "not assigned yet");
        } else if (!clientReady) {
            status = HealthStatus.DOWN;
            reasons.add("reconnecting");
        } else if (lastPollNanos != 0 && TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos) > stale) {
            status = HealthStatus.DOWN;
            reasons.add("its poll thread has not polled for " + TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos)
                    + " ms");
        } else if (heartbeatSecondsAgo > HEARTBEAT_STALE_SECONDS) {
            status = HealthStatus.DOWN;
            reasons.add("no heartbeat to its group coordinator for " + (long) heartbeatSecondsAgo
                    + " s (broker unreachable?)");
        } else if (lookupFailingSince != 0
                && TimeUnit.NANOSECONDS.toSeconds(now - lookupFailingSince) > HEARTBEAT_STALE_SECONDS) {
            status = HealthStatus.DOWN;
            reasons.add("the brokers have not answered its log-end lookups for "
                    + TimeUnit.NANOSECONDS.toSeconds(now - lookupFailingSince) + " s (broker unreachable?)");
        }
        return Health.of(component, status, reasons, details);
    }

    // ------------------------------------------------------------------ close

    @Override
    public void close() {
        close(options.closeTimeout());
    }

    @Override
    public void close(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 but was " + timeout);
        }
        if (closing) {
            return;
        }
        closeBudget = timeout;
        closing = true;
        backoffWait.stop();
        synchronized (lock) {
            lock.notifyAll();
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (!started.get()) {
            stopped = true;
            ready.completeExceptionally(new KafkaUtilityException("consumer loop " + options.name()
                    + " closed before it was started"));
            return;
        }
        if (Thread.currentThread() == thread) {
            return; // a sink closing its own loop: the loop ends after this call
        }
        try {
            thread.join(timeout.toMillis() * 2 + 1000);
            if (thread.isAlive()) {
                log.warn("Consumer loop {} poll thread did not stop within {}; interrupting it", options.name(),
                        timeout);
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            return new IllegalStateException("not failed");
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }
}
