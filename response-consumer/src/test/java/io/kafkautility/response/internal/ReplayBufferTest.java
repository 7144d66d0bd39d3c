package io.kafkautility.response.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static ConsumerRecord<byte[], byte[]> record(long offset, long timestamp, int valueBytes) {
        return new ConsumerRecord<>("respostas", 0, offset, timestamp, TimestampType.CREATE_TIME, 0, valueBytes,
                "k".getBytes(StandardCharsets.UTF_8), new byte[valueBytes], new RecordHeaders(), Optional.empty());
    }

    @Test
    void keepsEachSessionsRecordsInOrderForTheWindow() {
        ReplayBuffer b = new ReplayBuffer(60_000, 1 << 20);
        b.add("s1", record(0, 1_000, 10), 1_000);
        b.add("s2", record(1, 2_000, 10), 2_000);
        b.add("s1", record(2, 3_000, 10), 3_000);
        assertThat(b.of("s1", 3_000)).extracting(ConsumerRecord::offset).containsExactly(0L, 2L);
        assertThat(b.of("s2", 3_000)).extracting(ConsumerRecord::offset).containsExactly(1L);
        assertThat(b.records()).isEqualTo(3);
        // a minute after the first one it is gone, the others stay
        assertThat(b.of("s1", 61_500)).extracting(ConsumerRecord::offset).containsExactly(2L);
        assertThat(b.of("s2", 70_000)).isEmpty();
        assertThat(b.records()).isZero();
        assertThat(b.bytes()).isZero();
    }

    @Test
    void theOldestGoFirstWhenTheBytesAreSpentAndRecordsOlderThanTheWindowAreNotKept() {
        int one = ReplayBuffer.size(record(0, 0, 100));
        ReplayBuffer b = new ReplayBuffer(60_000, 3L * one);
        for (int i = 0; i < 5; i++) {
            b.add("s" + (i % 2), record(i, 10_000 + i, 100), 10_000 + i);
        }
        assertThat(b.records()).isEqualTo(3);
        assertThat(b.bytes()).isLessThanOrEqualTo(3L * one);
        assertThat(b.evictedForBytes()).isEqualTo(2);
        assertThat(b.of("s0", 10_010)).extracting(ConsumerRecord::offset).containsExactly(2L, 4L);
        b.add("s9", record(9, 1_000, 100), 100_000); // read on start-up, older than the window
        assertThat(b.of("s9", 100_000)).isEmpty();
    }

    @Test
    void aZeroWindowKeepsNothing() {
        ReplayBuffer b = new ReplayBuffer(0, 1 << 20);
        b.add("s", record(0, 1_000, 10), 1_000);
        assertThat(b.records()).isZero();
    }
}
