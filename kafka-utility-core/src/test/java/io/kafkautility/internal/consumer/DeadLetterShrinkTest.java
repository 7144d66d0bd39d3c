package io.kafkautility.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A dead-letter record too large for the dead-letter topic is cut down in two steps, never retried unchanged. */
class DeadLetterShrinkTest {

    @Test
    void dropsForeignHeadersFirstThenKeyAndValueThenGivesUp() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MessageHeaders.MESSAGE_ID, bytes("m-1"));
        headers.add(MessageHeaders.CONTENT_TYPE, bytes("application/cloudevents+json"));
        headers.add(MessageHeaders.TRACEPARENT, bytes("00-abc-def-01"));
        headers.add("x-big", new byte[1024 * 1024]);
        headers.add("x-other", bytes("o"));
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("t", 0, 7L, 1L, TimestampType.CREATE_TIME, 1, 1,
                bytes("k"), bytes("{not json"), headers, Optional.empty());
        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(failed, "t.DLT", "INVALID_JSON", null, 0,
                Instant.EPOCH);
        assertThat(dead.headers().lastHeader(MessageHeaders.DLT_TRUNCATED)).isNull();

        ProducerRecord<byte[], byte[]> smaller = DeadLetterRecords.shrink(dead);
        assertThat(smaller.topic()).isEqualTo("t.DLT");
        assertThat(smaller.key()).isEqualTo(bytes("k"));
        assertThat(smaller.value()).isEqualTo(bytes("{not json"));
        assertThat(smaller.headers().lastHeader("x-big")).isNull();
        assertThat(smaller.headers().lastHeader("x-other")).isNull();
        assertThat(value(smaller, MessageHeaders.DLT_TRUNCATED)).isEqualTo("headers");
        assertThat(value(smaller, MessageHeaders.MESSAGE_ID)).isEqualTo("m-1");
        assertThat(value(smaller, MessageHeaders.CONTENT_TYPE)).isEqualTo("application/cloudevents+json");
        assertThat(value(smaller, MessageHeaders.TRACEPARENT)).isEqualTo("00-abc-def-01");
        assertThat(value(smaller, MessageHeaders.DLT_REASON)).isEqualTo("INVALID_JSON");
        assertThat(value(smaller, MessageHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("7");

        ProducerRecord<byte[], byte[]> smallest = DeadLetterRecords.shrink(smaller);
        assertThat(smallest.key()).isNull();
        assertThat(smallest.value()).isNull();
        assertThat(value(smallest, MessageHeaders.DLT_TRUNCATED)).isEqualTo("headers,value");
        assertThat(smallest.headers().headers(MessageHeaders.DLT_TRUNCATED)).hasSize(1);
        assertThat(value(smallest, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("t");
        assertThat(value(smallest, MessageHeaders.MESSAGE_ID)).isEqualTo("m-1");

        assertThat(DeadLetterRecords.shrink(smallest)).isNull();
    }

    @Test
    void aRecordWithOnlyLibraryHeadersLosesKeyAndValueAtOnce() {
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("t", 0, 1L, 1L, TimestampType.CREATE_TIME, 1, 1,
                null, new byte[10], new RecordHeaders(), Optional.empty());
        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(failed, "t.DLT", "INVALID_JSON", null, 0,
                Instant.EPOCH);
        ProducerRecord<byte[], byte[]> smaller = DeadLetterRecords.shrink(dead);
        assertThat(smaller.value()).isNull();
        assertThat(value(smaller, MessageHeaders.DLT_TRUNCATED)).isEqualTo("headers,value");
        for (Header h : smaller.headers()) {
            assertThat(h.key()).startsWith("ku_");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String value(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
