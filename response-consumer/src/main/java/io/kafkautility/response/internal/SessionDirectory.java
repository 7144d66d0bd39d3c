package io.kafkautility.response.internal;

import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.MissingTopicException;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which chat-backend instance holds which session, shared by all instances through a compacted topic that each reads
 * whole (assigned, from the beginning, no group): a session's record is the id of the instance it connected to last,
 * removed (a tombstone) when it leaves that instance; an instance's record ({@code ~<instance id>}) is the time of its
 * last heartbeat (every 5 s), removed when it closes. An instance without a heartbeat for 15 s is gone. This is what
 * lets exactly one instance report a reply that no instance could deliver. Thread-safe; best effort (a failed write is
 * logged at debug and the next heartbeat or claim repairs the view).
 */
final class SessionDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionDirectory.class);
    static final long HEARTBEAT_MILLIS = 5_000;
    static final long GONE_AFTER_MILLIS = 15_000;
    private static final String INSTANCE_PREFIX = "~";

    private final String topic;
    private final String instanceId;
    private final Producer<byte[], byte[]> producer;
    private final ConsumerLoop loop;
    private final ScheduledExecutorService heartbeat;
    /** session -> the instance that holds it. */
    private final Map<String, String> holders = new ConcurrentHashMap<>();
    /** instance -> its last heartbeat (epoch millis, its clock). */
    private final Map<String, Long> instances = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> onClaim = s -> { };
    private volatile java.util.function.BiConsumer<String, Long> onClaimElsewhere = (s, t) -> { };
    private volatile long readyAt;

    SessionDirectory(String topic, String instanceId, Producer<byte[], byte[]> producer,
                     Supplier<Consumer<byte[], byte[]>> clients) {
        this.topic = topic;
        this.instanceId = instanceId;
        this.producer = producer;
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.assign("sessions-" + instanceId, clients,
                ConsumerLoopOptions.allPartitionsOf(topic, Duration.ofSeconds(10))).fromBeginning(true)
                .commitInterval(Duration.ZERO).build(), new RecordSink() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
                ack.begin();
                try {
                    apply(record);
                } finally {
                    ack.done();
                }
            }

            private int missing;

            @Override
            public boolean onFailure(RuntimeException error, Duration retryIn) {
                // a topic just created may not be known yet; still missing after a few tries (about 6 s): ready()
                // fails once, instead of a warning every few seconds for ever
                return !(error instanceof MissingTopicException) || ++missing < 7;
            }
        });
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ku-sessions-heartbeat-" + instanceId);
            t.setDaemon(true);
            return t;
        });
    }

    SessionDirectory start() {
        loop.start();
        heartbeat.scheduleAtFixedRate(() -> send(INSTANCE_PREFIX + instanceId,
                Long.toString(System.currentTimeMillis())), 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        loop.ready().thenRun(() -> {
            readyAt = System.currentTimeMillis();
            write(INSTANCE_PREFIX + instanceId, Long.toString(readyAt)); // known at once, not at the next beat
            write(null, null); // the sessions claimed before the topic was read: now
        });
        return this;
    }

    /** Completes when the directory was read up to where it was at start (roughly: its partitions are assigned). */
    java.util.concurrent.CompletableFuture<Void> ready() {
        return loop.ready();
    }

    String instanceId() {
        return instanceId;
    }

    /** Told (on the directory's thread) of every session some instance claims, this one included. */
    void onClaim(java.util.function.Consumer<String> listener) {
        this.onClaim = listener;
    }

    /**
     * Told (on the directory's thread) of every session another instance claims, with the claim record's timestamp
     * (epoch millis): a connection of that session here that is older has been taken over.
     */
    void onClaimElsewhere(java.util.function.BiConsumer<String, Long> listener) {
        this.onClaimElsewhere = listener;
    }

    /** Runs {@code task} every heartbeat on the directory's timer thread. */
    void every(Runnable task) {
        heartbeat.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Session directory task failed: {}", e.toString());
            }
        }, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** This instance now holds {@code session}. */
    void claim(String session) {
        holders.put(session, instanceId);
        write(session, instanceId);
        onClaim.accept(session);
    }

    /** This instance no longer holds {@code session} (ignored when another instance claimed it meanwhile). */
    void release(String session) {
        if (holders.remove(session, instanceId)) {
            write(session, null);
        }
    }

    /** The live instance holding {@code session}, or null (nobody, or an instance that is gone). */
    String holder(String session) {
        String h = holders.get(session);
        return h != null && alive(h) ? h : null;
    }

    boolean alive(String instance) {
        if (instance.equals(instanceId)) {
            return true;
        }
        Long beat = instances.get(instance);
        return beat != null && System.currentTimeMillis() - beat < GONE_AFTER_MILLIS;
    }

    /**
     * Whether this instance has been reading the directory long enough to have heard every live instance's heartbeat
     * (before that, an instance it has not heard of yet would look gone).
     */
    boolean settled() {
        long at = readyAt;
        return at != 0 && System.currentTimeMillis() - at > GONE_AFTER_MILLIS;
    }

    /** Whether this instance is the one to report what no instance holds: the live instance with the lowest id. */
    boolean reportsOrphans() {
        TreeSet<String> live = new TreeSet<>();
        live.add(instanceId);
        instances.keySet().stream().filter(this::alive).forEach(live::add);
        return live.first().equals(instanceId);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        if (key.startsWith(INSTANCE_PREFIX)) {
            String instance = key.substring(INSTANCE_PREFIX.length());
            if (value == null) {
                instances.remove(instance);
            } else {
                try {
                    instances.put(instance, Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    log.debug("Session directory record {} has no time; ignored", record.offset());
                }
            }
        } else if (value == null) {
            if (instanceId.equals(holders.get(key))) {
                write(key, instanceId); // an instance's late release of a session that moved here: claim it again
            } else {
                holders.remove(key);
            }
        } else {
            if (!value.equals(instanceId) || !holders.containsKey(key)) {
                holders.put(key, value); // our own claims are applied at once; another's replaces ours
            }
            onClaim.accept(key);
            if (!value.equals(instanceId)) {
                onClaimElsewhere.accept(key, record.timestamp());
            }
        }
    }

    /**
     * Writes on the directory's own thread, never the caller's (a send may wait for metadata): a register on a
     * WebSocket thread never blocks. A null key writes every claim of this instance again.
     */
    private void write(String key, String value) {
        try {
            heartbeat.execute(() -> {
                if (key != null) {
                    send(key, value);
                } else {
                    holders.forEach((s, i) -> {
                        if (i.equals(instanceId)) {
                            send(s, instanceId);
                        }
                    });
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: close() writes what is left
        }
    }

    /** Whether the directory topic was found and is read (else nothing is written, so nothing blocks). */
    private boolean usable() {
        java.util.concurrent.CompletableFuture<Void> r = loop.ready();
        return r.isDone() && !r.isCompletedExceptionally();
    }

    private void send(String key, String value) {
        if (!usable()) {
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                if (e != null) {
                    log.debug("Session directory write of {} failed: {}", key, e.toString());
                }
            });
        } catch (RuntimeException e) {
            log.debug("Session directory write of {} failed: {}", key, e.toString());
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        for (Map.Entry<String, String> e : holders.entrySet()) {
            if (Objects.equals(e.getValue(), instanceId)) {
                send(e.getKey(), null);
            }
        }
        send(INSTANCE_PREFIX + instanceId, null);
        loop.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(2)); // sends what is written, within the bound
    }
}
