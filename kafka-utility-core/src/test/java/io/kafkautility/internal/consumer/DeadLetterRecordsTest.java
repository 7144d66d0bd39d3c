package io.kafkautility.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

    @Test
    void keepsKeyValueAndOriginalHeadersAndReplacesPreviousDeadLetterHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MessageHeaders.MESSAGE_ID, "m-1".getBytes(StandardCharsets.UTF_8));
        headers.add(MessageHeaders.DLT_REASON, "OLD".getBytes(StandardCharsets.UTF_8));
        headers.add(MessageHeaders.DLT_ATTEMPTS, "9".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("t.DLT", 2, 41L, 1234L, TimestampType.CREATE_TIME,
                1, 1, "k".getBytes(), "v".getBytes(), headers, Optional.empty());

        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(failed, "t.DLT.DLT", "HANDLER_FAILED",
                new IllegalStateException("line1\r\nline2"), 3, Instant.parse("2026-11-22T10:00:00Z"));

        assertThat(dead.topic()).isEqualTo("t.DLT.DLT");
        assertThat(dead.key()).isEqualTo("k".getBytes());
        assertThat(dead.value()).isEqualTo("v".getBytes());
        assertThat(dead.headers().headers(MessageHeaders.DLT_REASON)).hasSize(1);
        assertThat(value(dead, MessageHeaders.DLT_REASON)).isEqualTo("HANDLER_FAILED");
        assertThat(value(dead, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("3");
        assertThat(value(dead, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("t.DLT");
        assertThat(value(dead, MessageHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("2");
        assertThat(value(dead, MessageHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("41");
        assertThat(value(dead, MessageHeaders.DLT_ORIGINAL_TIMESTAMP)).isEqualTo("1234");
        assertThat(value(dead, MessageHeaders.DLT_FAILED_AT)).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(value(dead, MessageHeaders.DLT_EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(value(dead, MessageHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("line1  line2");
        assertThat(value(dead, MessageHeaders.MESSAGE_ID)).isEqualTo("m-1");
    }

    @Test
    void truncatesLongMessages() {
        String message = DeadLetterRecords.safeMessage(new RuntimeException("x".repeat(5000)));
        assertThat(message).hasSize(DeadLetterRecords.MAX_MESSAGE_LENGTH + 3).endsWith("...");
        assertThat(DeadLetterRecords.safeMessage(null)).isEmpty();
    }

    private static String value(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
