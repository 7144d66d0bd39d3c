package io.kafkautility.internal.consumer;

import io.kafkautility.MessageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Builds and sends dead-letter records: the original key, value and headers, minus any earlier {@code ku_dlt_*}
 * headers, plus one fresh set describing this failure. Owns the producer passed in (closes it).
 */
public final class DeadLetterPublisher implements AutoCloseable {

    /** Longest exception message written into a header. */
    public static final int MAX_MESSAGE_LENGTH = 500;
    private static final String DLT_PREFIX = "ku_dlt_";

    private final Producer<byte[], byte[]> producer;

    /** @param producer the dead-letter producer (acks=all, idempotent); closed by {@link #close} */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * @return the record to publish
     */
    public static ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> original, String dltTopic,
                                                        String reason, String exceptionClass, String message,
                                                        int attempts, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            if (!h.key().startsWith(DLT_PREFIX)) {
                headers.add(h.key(), h.value());
            }
        }
        put(headers, MessageHeaders.DLT_REASON, reason);
        put(headers, MessageHeaders.DLT_EXCEPTION_CLASS, exceptionClass);
        put(headers, MessageHeaders.DLT_EXCEPTION_MESSAGE, truncate(message));
        put(headers, MessageHeaders.DLT_ORIGINAL_TOPIC, original.topic());
        put(headers, MessageHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(original.partition()));
        put(headers, MessageHeaders.DLT_ORIGINAL_OFFSET, Long.toString(original.offset()));
        put(headers, MessageHeaders.DLT_ORIGINAL_TIMESTAMP, Long.toString(original.timestamp()));
        put(headers, MessageHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
        put(headers, MessageHeaders.DLT_FAILED_AT, failedAt.toString());
        return new ProducerRecord<>(dltTopic, null, original.key(), original.value(), headers);
    }

    /** @return the message cut to {@link #MAX_MESSAGE_LENGTH} characters ("" for null) */
    public static String truncate(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the send's future; a synchronous failure of {@code send()} is returned as a failed future */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @param timeout bound for flushing pending dead-letter records */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
