package io.kafkautility.response;

import io.kafkautility.metrics.MetricNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Poll-loop logic with MockConsumer (pure logic; the behaviour on a real broker is shown by the *IT tests). */
class KafkaResponseConsumerTest {

    static final Schema SCHEMA = RagResponseAvro.schema();
    static final TopicPartition TP = new TopicPartition("respostas", 0);

    /** A registry that knows exactly one schema, id 7: also shows the pluggable writer-schema resolver. */
    static final SchemaRegistryClient ONE_SCHEMA = new SchemaRegistryClient() {
        @Override
        public int register(String subject, Schema schema) {
            return 7;
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return new RegisteredSchema(7, 1, SCHEMA);
        }

        @Override
        public Schema writerSchema(int schemaId) {
            if (schemaId != 7) {
                throw new io.kafkautility.avro.UnknownSchemaException(schemaId, "unknown " + schemaId);
            }
            return SCHEMA;
        }
    };

    static byte[] reply(String session, String question) {
        return AvroWireEncoder.create(ONE_SCHEMA, "respostas-value", SCHEMA)
                .encode(RagResponseAvro.toAvro(ReplyFixture.response(session, question), SCHEMA));
    }

    static MockConsumer<byte[], byte[]> ready() {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        c.schedulePollTask(() -> {
            c.updateBeginningOffsets(Map.of(TP, 0L));
            c.updateEndOffsets(Map.of(TP, 0L));
            c.rebalance(List.of(TP));
        });
        return c;
    }

    static ResponseConsumerOptions.Builder options(SimpleMeterRegistry meters) {
        return ResponseConsumerOptions.builder().bootstrapServers("unused:9092").writerSchemaResolver(ONE_SCHEMA)
                .mode(ResponseConsumerOptions.Mode.GROUP) // these drive the group protocol of a MockConsumer
                .meterRegistry(meters).pollTimeout(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).stopTimeout(Duration.ofSeconds(5));
    }

    @Test
    void pollErrorsAreRetriedWithBackoffOnAFreshConsumer() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MockConsumer<byte[], byte[]> broken = ready();
        broken.setPollException(new KafkaException("broker said no"));
        MockConsumer<byte[], byte[]> healthy = ready();
        AtomicInteger created = new AtomicInteger();
        List<String> got = new CopyOnWriteArrayList<>();
        try (KafkaResponseConsumer consumer = KafkaResponseConsumer.create(options(meters)
                .consumerFactory(p -> created.incrementAndGet() == 1 ? broken : healthy).build(),
                (r, ts) -> got.add(r.questionId()))) {
            consumer.start();
            healthy.schedulePollTask(() -> healthy.addRecord(new ConsumerRecord<>("respostas", 0, 0, null,
                    reply("s", "q1"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> got.equals(List.of("q1")));
            assertThat(created.get()).isEqualTo(2);
            assertThat(broken.closed()).isTrue();
            assertThat(meters.get(MetricNames.RESPONSE_CONSUMER_ERRORS).tag("reason", "poll").counter().count())
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.committed(Set.of(TP)).get(TP) != null
                    && healthy.committed(Set.of(TP)).get(TP).offset() == 1);
        }
        assertThat(healthy.closed()).isTrue();
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheHandOffAndAThrowingListenerNeverStallsTheConsumer() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MockConsumer<byte[], byte[]> mock = ready();
        List<String> got = new CopyOnWriteArrayList<>();
        List<Long> committedAtHandOff = new CopyOnWriteArrayList<>();
        try (KafkaResponseConsumer consumer = KafkaResponseConsumer.create(options(meters)
                .consumerFactory(p -> mock).build(), (r, ts) -> {
                    var c = mock.committed(Set.of(TP)).get(TP);
                    committedAtHandOff.add(c == null ? -1 : c.offset());
                    if (r.questionId().equals("boom")) {
                        throw new IllegalStateException("listener bug");
                    }
                    got.add(r.questionId());
                })) {
            consumer.start();
            mock.schedulePollTask(() -> {
                mock.addRecord(new ConsumerRecord<>("respostas", 0, 0, null, reply("s", "boom")));
                mock.addRecord(new ConsumerRecord<>("respostas", 0, 1, null, reply("s", "q2")));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> got.equals(List.of("q2")));
            await().atMost(Duration.ofSeconds(5)).until(() -> mock.committed(Set.of(TP)).get(TP) != null
                    && mock.committed(Set.of(TP)).get(TP).offset() == 2);
            // only the starting position (0, committed on assignment) is committed while records 0 and 1 are handed off
            assertThat(committedAtHandOff).containsExactly(0L, 0L);
            assertThat(meters.get(MetricNames.RESPONSE_INVALID).tag("reason", "listener_failed").counter().count())
                    .isEqualTo(1);
            assertThat(consumer.isRunning()).isTrue();
        }
    }

    @Test
    void anUnexpectedExceptionDoesNotKillTheLoop() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MockConsumer<byte[], byte[]> broken = new MockConsumer<>("earliest");
        broken.schedulePollTask(() -> {
            throw new IllegalStateException("bug in a client");
        });
        MockConsumer<byte[], byte[]> healthy = ready();
        AtomicInteger created = new AtomicInteger();
        try (KafkaResponseConsumer consumer = KafkaResponseConsumer.create(options(meters)
                .consumerFactory(p -> created.incrementAndGet() == 1 ? broken : healthy).build(), (r, ts) -> { })) {
            consumer.start();
            consumer.ready().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            assertThat(created.get()).isEqualTo(2);
            assertThat(consumer.isRunning()).isTrue();
        }
    }

    @Test
    void stopIsBoundedAndReadyFailsIfNeverAssigned() {
        MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
        KafkaResponseConsumer consumer = KafkaResponseConsumer.create(options(new SimpleMeterRegistry())
                .consumerFactory(p -> mock).build(), (r, ts) -> { });
        java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
        mock.schedulePollTask(polling::countDown);
        consumer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> polling.getCount() == 0);
        long t0 = System.nanoTime();
        consumer.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(consumer.isRunning()).isFalse();
        assertThat(consumer.ready()).isCompletedExceptionally();
        assertThat(mock.closed()).isTrue();
    }
}
