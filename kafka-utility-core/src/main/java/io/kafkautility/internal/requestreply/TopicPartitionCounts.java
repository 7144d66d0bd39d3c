package io.kafkautility.internal.requestreply;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The partition counts of topics a responder writes replies (and dead letters) to, looked up through an admin client
 * (which never creates a topic, unlike a producer's metadata request) without blocking the caller, and cached: a found
 * topic for {@value #FOUND_TTL_SECONDS} s, a missing one or a failed lookup for {@value #MISSING_TTL_SECONDS} s. At most
 * {@value #MAX_ENTRIES} topics are kept (the cache starts over beyond that: the names come from request headers).
 * Thread-safe.
 */
final class TopicPartitionCounts implements AutoCloseable {
    static final long FOUND_TTL_SECONDS = 60;
    static final long MISSING_TTL_SECONDS = 5;
    static final int MAX_ENTRIES = 10_000;
    private static final int LOOKUP_TIMEOUT_MS = 10_000;

    private record Entry(CompletableFuture<Integer> count, long expiresAtNanos) {
    }

    private final Supplier<Admin> adminFactory;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile Admin admin;
    private volatile boolean closed;

    TopicPartitionCounts(Supplier<Admin> adminFactory) {
        this.adminFactory = adminFactory;
    }

    /**
     * Completes with the topic's partition count, or exceptionally with {@link UnknownTopicOrPartitionException} when
     * it does not exist (or another exception when it could not be looked up). Completes on an admin thread or at once.
     */
    CompletableFuture<Integer> partitions(String topic) {
        long now = System.nanoTime();
        Entry e = entries.get(topic);
        if (e != null && (!e.count.isDone() || now - e.expiresAtNanos < 0)) {
            return e.count;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        CompletableFuture<Integer> count = new CompletableFuture<>();
        Entry fresh = new Entry(count, now + TimeUnit.SECONDS.toNanos(FOUND_TTL_SECONDS));
        if (e == null ? entries.putIfAbsent(topic, fresh) != null : !entries.replace(topic, e, fresh)) {
            return partitions(topic); // another caller looked it up at the same time: take its entry
        }
        try {
            admin().describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(LOOKUP_TIMEOUT_MS))
                    .topicNameValues().get(topic).whenComplete((description, error) -> {
                        if (error != null) {
                            entries.replace(topic, fresh, new Entry(count,
                                    System.nanoTime() + TimeUnit.SECONDS.toNanos(MISSING_TTL_SECONDS)));
                            count.completeExceptionally(error);
                        } else {
                            count.complete(description.partitions().size());
                        }
                    });
        } catch (RuntimeException error) {
            entries.remove(topic, fresh);
            count.completeExceptionally(error);
        }
        return count;
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("closed");
                }
                a = admin;
                if (a == null) {
                    a = adminFactory.get();
                    admin = a;
                }
            }
        }
        return a;
    }

    @Override
    public synchronized void close() {
        closed = true;
        Admin a = admin;
        admin = null;
        if (a != null) {
            a.close(java.time.Duration.ofSeconds(1));
        }
        entries.values().forEach(e -> e.count.completeExceptionally(new IllegalStateException("closed")));
    }
}
