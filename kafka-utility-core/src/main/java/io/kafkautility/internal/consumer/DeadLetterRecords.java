package io.kafkautility.internal.consumer;

import io.kafkautility.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the dead-letter record of a failed record: same key and value, original headers, fresh ku_dlt_* headers. */
public final class DeadLetterRecords {

    static final int MAX_MESSAGE_LENGTH = 512;
    private static final String DLT_PREFIX = "ku_dlt_";

    private DeadLetterRecords() {
    }

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> failed, String deadLetterTopic,
                                             String reason, Throwable error, int attempts, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            if (!h.key().startsWith(DLT_PREFIX)) {
                headers.add(h);
            }
        }
        put(headers, MessageHeaders.DLT_REASON, reason);
        put(headers, MessageHeaders.DLT_EXCEPTION_CLASS, error == null ? "" : error.getClass().getName());
        put(headers, MessageHeaders.DLT_EXCEPTION_MESSAGE, safeMessage(error));
        put(headers, MessageHeaders.DLT_ORIGINAL_TOPIC, failed.topic());
        put(headers, MessageHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(failed.partition()));
        put(headers, MessageHeaders.DLT_ORIGINAL_OFFSET, Long.toString(failed.offset()));
        put(headers, MessageHeaders.DLT_ORIGINAL_TIMESTAMP, Long.toString(failed.timestamp()));
        put(headers, MessageHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
        put(headers, MessageHeaders.DLT_FAILED_AT, failedAt.toString());
        return new ProducerRecord<>(deadLetterTopic, null, null, failed.key(), failed.value(), headers);
    }

    /**
     * A smaller version of a dead-letter record the dead-letter topic refused as too large: first without the
     * original headers other than the library's own ({@code ku_*}, {@code content-type}, {@code traceparent}), then
     * also without key and value. {@code null} when nothing is left to drop.
     */
    static ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> tooLarge) {
        RecordHeaders headers = new RecordHeaders();
        boolean dropped = false;
        for (Header h : tooLarge.headers()) {
            if (isLibraryHeader(h.key())) {
                headers.add(h);
            } else {
                dropped = true;
            }
        }
        if (dropped) {
            put(headers, MessageHeaders.DLT_TRUNCATED, "headers");
            return new ProducerRecord<>(tooLarge.topic(), null, null, tooLarge.key(), tooLarge.value(), headers);
        }
        if (tooLarge.value() != null || tooLarge.key() != null) {
            put(headers, MessageHeaders.DLT_TRUNCATED, "headers,value");
            return new ProducerRecord<>(tooLarge.topic(), null, null, null, null, headers);
        }
        return null;
    }

    private static boolean isLibraryHeader(String key) {
        return key.startsWith("ku_") || key.equals(MessageHeaders.CONTENT_TYPE)
                || key.equals(MessageHeaders.TRACEPARENT);
    }

    /** The error's message, one line, truncated; library messages never contain payloads. */
    public static String safeMessage(Throwable error) {
        if (error == null || error.getMessage() == null) {
            return "";
        }
        String oneLine = error.getMessage().replace('\r', ' ').replace('\n', ' ');
        return oneLine.length() <= MAX_MESSAGE_LENGTH ? oneLine : oneLine.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
