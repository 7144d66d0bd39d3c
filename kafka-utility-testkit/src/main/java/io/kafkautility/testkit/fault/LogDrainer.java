package io.kafkautility.testkit.fault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from the beginning up to its current end offsets without a consumer group (assign, not subscribe),
 * so a checker sees exactly what is in the log, duplicates included. Stateless and thread-safe; the consumer passed
 * in is used from the calling thread only and is neither closed nor left assigned.
 */
public final class LogDrainer {
    private LogDrainer() {
    }

    /**
     * Delivers every record of {@code topic} from offset 0 to the end offsets observed at the call to {@code sink}.
     *
     * @return the number of records delivered
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static <K, V> long drain(org.apache.kafka.clients.consumer.Consumer<K, V> consumer, String topic,
            Duration timeout, Consumer<ConsumerRecord<K, V>> sink) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        try {
            while (!reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("did not reach end offsets " + end + " of " + topic + " within "
                            + timeout + " (read " + count + " records)");
                }
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(r);
                    count++;
                }
            }
        } finally {
            consumer.unsubscribe();
        }
        return count;
    }

    private static boolean reached(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
            Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
