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
        return of(failed, failed.topic(), deadLetterTopic, reason, error, attempts, failedAt);
    }

    /**
     * The dead-letter record of {@code failed}, first consumed from {@code originalTopic} (which differs from the
     * record's topic when it failed in a retry topic: its original partition and offset then come from the retry
     * headers, when they are numbers).
     */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> failed, String originalTopic,
                                                    String deadLetterTopic, String reason, Throwable error,
                                                    int attempts, Instant failedAt) {
        String partition = Integer.toString(failed.partition());
        String offset = Long.toString(failed.offset());
        if (!originalTopic.equals(failed.topic())) {
            partition = number(failed, MessageHeaders.RETRY_ORIGINAL_PARTITION, "-1");
            offset = number(failed, MessageHeaders.RETRY_ORIGINAL_OFFSET, "-1");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            if (!h.key().startsWith(DLT_PREFIX)) {
                headers.add(h);
            }
        }
        put(headers, MessageHeaders.DLT_REASON, reason);
        put(headers, MessageHeaders.DLT_EXCEPTION_CLASS, error == null ? "" : error.getClass().getName());
        put(headers, MessageHeaders.DLT_EXCEPTION_MESSAGE, safeMessage(error));
        put(headers, MessageHeaders.DLT_ORIGINAL_TOPIC, originalTopic);
        put(headers, MessageHeaders.DLT_ORIGINAL_PARTITION, partition);
        put(headers, MessageHeaders.DLT_ORIGINAL_OFFSET, offset);
        put(headers, MessageHeaders.DLT_ORIGINAL_TIMESTAMP, Long.toString(failed.timestamp()));
        put(headers, MessageHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
        put(headers, MessageHeaders.DLT_FAILED_AT, failedAt.toString());
        return new ProducerRecord<>(deadLetterTopic, null, null, failed.key(), failed.value(), headers);
    }

    /**
     * The record that takes {@code failed} (first consumed from {@code originalTopic}) to retry stage {@code stage}:
     * same key, value and headers, with the retry headers replaced: stage, due time, the original partition and
     * offset (kept from the first stage), the failure's class.
     */
    public static ProducerRecord<byte[], byte[]> retry(ConsumerRecord<byte[], byte[]> failed, String originalTopic,
                                                       String retryTopic, int stage, long dueMillis, Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            if (!h.key().startsWith(DLT_PREFIX) && !h.key().equals(MessageHeaders.RETRY_STAGE)
                    && !h.key().equals(MessageHeaders.RETRY_DUE)
                    && !h.key().equals(MessageHeaders.RETRY_EXCEPTION_CLASS)) {
                headers.add(h);
            }
        }
        if (originalTopic.equals(failed.topic())) {
            put(headers, MessageHeaders.RETRY_ORIGINAL_PARTITION, Integer.toString(failed.partition()));
            put(headers, MessageHeaders.RETRY_ORIGINAL_OFFSET, Long.toString(failed.offset()));
        }
        put(headers, MessageHeaders.RETRY_STAGE, Integer.toString(stage));
        put(headers, MessageHeaders.RETRY_DUE, Long.toString(dueMillis));
        put(headers, MessageHeaders.RETRY_EXCEPTION_CLASS, error == null ? "" : error.getClass().getName());
        return new ProducerRecord<>(retryTopic, null, null, failed.key(), failed.value(), headers);
    }

    /** The header's value if it is a decimal number of at most 19 digits, else {@code otherwise}. */
    static String number(ConsumerRecord<byte[], byte[]> record, String header, String otherwise) {
        Header h = record.headers().lastHeader(header);
        if (h == null || h.value() == null || h.value().length == 0 || h.value().length > 19) {
            return otherwise;
        }
        for (byte b : h.value()) {
            if (b < '0' || b > '9') {
                return otherwise;
            }
        }
        return new String(h.value(), StandardCharsets.US_ASCII);
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
