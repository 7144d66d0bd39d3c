package io.kafkautility.internal.consumer;

import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.KafkaClientPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ConsumerOptions#concurrency()} members of one group, each a {@link DefaultMessageConsumer} named
 * {@code <name>-<i>} with its own Kafka consumer, poll thread and worker, sharing one pool (dead-letter producer,
 * metrics). Kafka's group protocol spreads the partitions over the members, so a record being handled or retried
 * holds up only the partitions of its own member; every guarantee of a single member holds for each.
 */
public final class ConcurrentMessageConsumer implements MessageConsumer {

    private final ConsumerOptions options;
    private final KafkaClientPool ownPool; // null when the caller gave one
    private final List<DefaultMessageConsumer> members;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public ConcurrentMessageConsumer(ConsumerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.ownPool = options.pool() == null ? KafkaClientPool.builder().name(options.name()).build() : null;
        KafkaClientPool pool = ownPool != null ? ownPool : options.pool();
        List<DefaultMessageConsumer> list = new ArrayList<>(options.concurrency());
        try {
            for (int i = 0; i < options.concurrency(); i++) {
                list.add(new DefaultMessageConsumer(options.toBuilder().name(options.name() + "-" + i).pool(pool)
                        .concurrency(1).build()));
            }
        } catch (RuntimeException e) {
            // release what the members created so far (their dead-letter producers), then the private pool
            list.forEach(m -> m.close(Duration.ZERO));
            if (ownPool != null) {
                ownPool.close();
            }
            throw e;
        }
        this.members = List.copyOf(list);
        // assigned once any member is (members beyond the partition count never are); failed once all have failed
        AtomicInteger failures = new AtomicInteger();
        for (DefaultMessageConsumer m : members) {
            m.ready().whenComplete((v, e) -> {
                if (e == null) {
                    assigned.complete(null);
                } else if (failures.incrementAndGet() == members.size()) {
                    assigned.completeExceptionally(e);
                }
            });
        }
    }

    @Override
    public MessageConsumer start() {
        if (closed.get()) {
            throw new IllegalStateException("consumer " + options.name() + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            return this;
        }
        members.forEach(DefaultMessageConsumer::start);
        return this;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return closed.get() ? members.get(0).ready() : assigned;
    }

    @Override
    public boolean isRunning() {
        return started.get() && !closed.get() && members.stream().allMatch(DefaultMessageConsumer::isRunning);
    }

    @Override
    public io.kafkautility.health.Health health() {
        java.util.List<io.kafkautility.health.Health> parts = new java.util.ArrayList<>();
        io.kafkautility.health.HealthStatus status = io.kafkautility.health.HealthStatus.UP;
        java.util.List<String> reasons = new java.util.ArrayList<>();
        boolean anyAssigned = false;
        for (DefaultMessageConsumer m : members) {
            io.kafkautility.health.Health h = m.health();
            parts.add(h);
            Object assigned = h.details().get("assignedPartitions");
            anyAssigned |= assigned instanceof Integer n && n > 0;
            // a member beyond the partition count is never assigned: that alone does not make the consumer DOWN
            boolean idleMember = h.reasons().equals(java.util.List.of("not assigned yet")) && members.size() > 1;
            if (!idleMember) {
                status = status.worst(h.status());
                h.reasons().forEach(r -> reasons.add(h.component() + ": " + r));
            }
        }
        if (!anyAssigned && status == io.kafkautility.health.HealthStatus.UP && !ready().isDone()) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add("not assigned yet");
        }
        return new io.kafkautility.health.Health("consumer", status, reasons, java.util.Map.of("members",
                members.size()), parts);
    }

    @Override
    public long completedCount() {
        long sum = 0;
        for (DefaultMessageConsumer m : members) {
            sum += m.completedCount();
        }
        return sum;
    }

    /** The members, for tests. */
    List<? extends MessageConsumer> members() {
        return members;
    }

    @Override
    public void close() {
        close(options.closeTimeout());
    }

    /** Closes every member at once (each within {@code timeout}, so all leave the group together), then the pool. */
    @Override
    public void close(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 but was " + timeout);
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Thread> closers = new ArrayList<>(members.size());
        for (DefaultMessageConsumer m : members) {
            Thread t = new Thread(() -> m.close(timeout), "ku-consumer-close-" + options.name());
            t.setDaemon(true);
            t.start();
            closers.add(t);
        }
        try {
            for (Thread t : closers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownPool != null) {
                ownPool.close();
            }
        }
    }

    @Override
    public String toString() {
        return "MessageConsumer{name=" + options.name() + ", group=" + options.groupId() + ", members="
                + members.size() + ", running=" + isRunning() + '}';
    }
}
