package io.kafkautility.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one echo responder both requesters talk to: reads requests, sends the value back to the reply topic named in
 * the request's headers (Spring's {@code kafka_replyTopic} / {@code kafka_replyPartition}, or kafka-utility's
 * {@code ku_replyto} / {@code ku_replypartition}) with every header copied, so each requester finds its correlation id.
 */
final class EchoResponder implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;

    EchoResponder(String bootstrap, String requestTopic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "echo-" + UUID.randomUUID(),
                "auto.offset.reset", "latest", "fetch.max.wait.ms", 1), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 0, "client.id", "echo-responder"),
                new ByteArraySerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(requestTopic));
        thread = new Thread(this::run, "echo-responder");
        thread.setDaemon(true);
    }

    /** Starts and returns once the responder has its partitions. */
    EchoResponder start() {
        thread.start();
        return this;
    }

    /** Waits until the responder's consumer has partitions (it polls from the latest offset). */
    void awaitAssigned(java.time.Duration timeout) throws Exception {
        assigned.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private final java.util.concurrent.CompletableFuture<Void> assigned = new java.util.concurrent.CompletableFuture<>();

    private void run() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(50));
            if (!consumer.assignment().isEmpty()) {
                assigned.complete(null);
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String topic = text(r, "kafka_replyTopic");
                Integer partition = null;
                if (topic == null) {
                    topic = text(r, "ku_replyto");
                    String p = text(r, "ku_replypartition");
                    partition = p == null ? null : Integer.valueOf(p);
                } else {
                    Header p = r.headers().lastHeader("kafka_replyPartition");
                    partition = p == null ? null : ByteBuffer.wrap(p.value()).getInt();
                }
                if (topic != null) {
                    producer.send(new ProducerRecord<>(topic, partition, r.key(), r.value(), r.headers()));
                }
            }
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
        consumer.close();
        producer.close();
    }
}
