package io.kafkautility.testkit.internal;

import java.util.HashMap;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import io.kafkautility.testkit.KafkaTestkitException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topic creation that returns only once every partition has a leader. */
public final class Topics {
    private Topics() {
    }

    public static void createAndAwait(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
            names.add(e.getKey());
            try {
                e.getValue().get(remainingMs(deadline, timeout, names), TimeUnit.MILLISECONDS);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new KafkaTestkitException("creating topic " + e.getKey() + " failed: " + ex.getCause(),
                            ex.getCause());
                }
            } catch (TimeoutException ex) {
                throw new KafkaTestkitException("creating topic " + e.getKey() + " timed out after " + timeout, ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new KafkaTestkitException("interrupted while creating topics " + names, ex);
            }
        }
        awaitLeaders(admin, names, deadline, timeout);
    }

    private static void awaitLeaders(Admin admin, List<String> names, long deadline, Duration timeout) {
        Throwable last = null;
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames()
                        .get(remainingMs(deadline, timeout, names), TimeUnit.MILLISECONDS);
                boolean ready = d.size() == names.size() && d.values().stream()
                        .allMatch(t -> !t.partitions().isEmpty()
                                && t.partitions().stream().map(TopicPartitionInfo::leader)
                                        .allMatch(l -> l != null && !l.isEmpty()));
                if (ready) {
                    // a leader in the metadata is not yet a partition the leader serves: ask it for the end offset
                    // of every partition (an idempotent producer racing a fresh partition can loop on
                    // OUT_OF_ORDER_SEQUENCE in Kafka 4.1)
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    d.values().forEach(t -> t.partitions().forEach(p -> latest.put(
                            new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get(remainingMs(deadline, timeout, names), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                last = e.getCause(); // e.g. UnknownTopicOrPartition right after creation: retry
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaTestkitException("interrupted while waiting for topics " + names, e);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new KafkaTestkitException("topics " + names + " have no leader on every partition after "
                        + timeout + (last == null ? "" : "; last error: " + last), last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaTestkitException("interrupted while waiting for topics " + names, e);
            }
        }
    }

    private static long remainingMs(long deadline, Duration timeout, List<String> names) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms <= 0) {
            throw new KafkaTestkitException("topics " + names + " not ready within " + timeout);
        }
        return ms;
    }
}
