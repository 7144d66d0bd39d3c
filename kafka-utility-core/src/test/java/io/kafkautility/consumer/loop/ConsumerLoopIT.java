package io.kafkautility.consumer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer engine on its own, with test sinks, against a real broker: it commits only contiguous finished offsets,
 * reads a partition again from a record a sink asked for again, stops handing out records at {@code maxInFlight},
 * recreates its client after a sink's bug, keeps assign-mode positions across clients, and closes within its bound
 * even when a sink ignores interrupts, after which no record starts.
 */
@KafkaTest
class ConsumerLoopIT {

    @Test
    void commitsOnlyTheContiguousFinishedPrefixOfEachPartition(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 1);
        String group = TopicNames.unique("loop");
        produce(cluster, topic, 0, 10);
        ConcurrentHashMap<Long, RecordAck> held = new ConcurrentHashMap<>();
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe("contiguous",
                clients(cluster, group), List.of(topic)).build(), (r, ack) -> {
                    ack.begin();
                    held.put(r.offset(), ack);
                }).start()) {
            loop.ready().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 10);
            for (long o = 1; o < 10; o++) {
                held.get(o).done(); // finished early: waits for offset 0
            }
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> committed(cluster, group, topic) <= 0);
            held.get(0L).done();
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(cluster, group, topic) == 10);
        }
    }

    @Test
    void aRecordAskedForAgainIsReadAgainWithEverythingAfterItAndFinishedOnce(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 1);
        String group = TopicNames.unique("loop");
        produce(cluster, topic, 0, 20);
        ConcurrentLinkedQueue<Long> begun = new ConcurrentLinkedQueue<>();
        AtomicBoolean retried = new AtomicBoolean();
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe("rewind",
                clients(cluster, group), List.of(topic)).build(), (r, ack) -> {
                    if (!ack.begin()) {
                        return; // handed over before the rewind: not wanted any more
                    }
                    begun.add(r.offset());
                    if (r.offset() == 5 && retried.compareAndSet(false, true)) {
                        ack.retry();
                    } else {
                        ack.done();
                    }
                }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(cluster, group, topic) == 20);
        }
        List<Long> order = new ArrayList<>(begun);
        assertThat(order.subList(0, 6)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(order.subList(6, order.size())).as("read again from offset 5, in order, each once")
                .containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    }

    @Test
    void stopsHandingOutRecordsAtMaxInFlightAndGoesOnWhenTheyFinish(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 3);
        String group = TopicNames.unique("loop");
        for (int p = 0; p < 3; p++) {
            produce(cluster, topic, p, 100);
        }
        ConcurrentLinkedQueue<RecordAck> held = new ConcurrentLinkedQueue<>();
        AtomicBoolean hold = new AtomicBoolean(true);
        AtomicInteger handedOver = new AtomicInteger();
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe("bounded",
                clients(cluster, group, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10)), List.of(topic))
                .maxInFlight(25).build(), (r, ack) -> {
                    handedOver.incrementAndGet();
                    ack.begin();
                    if (hold.get()) {
                        held.add(ack);
                    } else {
                        ack.done();
                    }
                }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> handedOver.get() >= 25);
            // one poll may hand over a whole batch past the bound, then nothing more while all are unfinished
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> handedOver.get() < 25 + 10);
            int atTheBound = handedOver.get();
            hold.set(false);
            held.forEach(RecordAck::done);
            await().atMost(Duration.ofSeconds(30)).until(() -> handedOver.get() == 300);
            System.out.printf("LOOP maxInFlight=25: %d records handed over while none finished, then all 300%n",
                    atTheBound);
        }
    }

    @Test
    void aSinkThatThrowsGetsItsRecordAgainFromANewClient(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 1);
        String group = TopicNames.unique("loop");
        produce(cluster, topic, 0, 10);
        AtomicInteger created = new AtomicInteger();
        Supplier<Consumer<byte[], byte[]>> base = clients(cluster, group);
        ConcurrentHashMap<Long, AtomicInteger> seen = new ConcurrentHashMap<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe("throwing", () -> {
            created.incrementAndGet();
            return base.get();
        }, List.of(topic)).backoff(Duration.ofMillis(50), Duration.ofMillis(100)).meterRegistry(meters).build(),
                (r, ack) -> {
                    int n = seen.computeIfAbsent(r.offset(), o -> new AtomicInteger()).incrementAndGet();
                    if (r.offset() == 3 && n == 1) {
                        throw new IllegalStateException("a bug in the sink");
                    }
                    ack.begin();
                    ack.done();
                }).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(cluster, group, topic) == 10);
            assertThat(created.get()).as("the client was recreated").isEqualTo(2);
            assertThat(seen.get(3L).get()).isEqualTo(2);
            assertThat(seen.get(0L).get()).as("what was finished was committed before the new client").isEqualTo(1);
            assertThat(loop.isReady()).isTrue();
            assertThat(meters.get(io.kafkautility.metrics.MetricNames.CONSUMER_RECONNECTS).counter().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void assignModeStartsAtTheEndAndANewClientResumesWhereTheOldOneWas(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 2);
        produce(cluster, topic, 0, 5); // before the loop: never read
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        Map<String, Object> props = cluster.clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.assign("assigned",
                () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                c -> List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).commitInterval(Duration.ZERO).build(),
                (r, ack) -> {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (v.equals("v-7") && failOnce.compareAndSet(true, false)) {
                        throw new IllegalStateException("fail once on v-7");
                    }
                    ack.begin();
                    read.add(r.partition() + ":" + v);
                    ack.done();
                }).start()) {
            loop.ready().get(60, TimeUnit.SECONDS);
            produce(cluster, topic, 0, 10);
            produce(cluster, topic, 1, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> read.size() == 13);
            assertThat(read).filteredOn(s -> s.startsWith("0:")).containsExactly("0:v-0", "0:v-1", "0:v-2",
                    "0:v-3", "0:v-4", "0:v-5", "0:v-6", "0:v-7", "0:v-8", "0:v-9");
            assertThat(loop.positions()).containsEntry(new TopicPartition(topic, 0), 15L)
                    .containsEntry(new TopicPartition(topic, 1), 3L);
        }
    }

    @Test
    void fromTheBeginningItsPositionReachesTheEndPastOffsetsThatHoldNoRecord(KafkaCluster cluster) throws Exception {
        String topic = topic(cluster, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TopicNames.unique("loop-tx"));
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            tx.initTransactions();
            for (int t = 0; t < 3; t++) { // each commit leaves a marker: an offset no client hands out a record for
                tx.beginTransaction();
                for (int i = 0; i < 2; i++) {
                    tx.send(new ProducerRecord<>(topic, 0, null, ("v-" + (2 * t + i)).getBytes(StandardCharsets.UTF_8)));
                }
                tx.commitTransaction();
            }
        }
        long end;
        try (Admin admin = cluster.admin()) {
            end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(tp).offset();
        }
        assertThat(end).as("six records and three markers").isEqualTo(9);
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        Map<String, Object> props = cluster.clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.assign("from-beginning",
                () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                c -> List.of(tp)).fromBeginning(true).commitInterval(Duration.ZERO).build(), (r, ack) -> {
                    ack.begin();
                    read.add(new String(r.value(), StandardCharsets.UTF_8));
                    ack.done();
                }).start()) {
            loop.ready().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.positions().getOrDefault(tp, -1L) >= end);
            assertThat(read).containsExactly("v-0", "v-1", "v-2", "v-3", "v-4", "v-5");
            assertThat(loop.positions()).containsEntry(tp, end);
        }
        assertThatThrownBy(() -> ConsumerLoopOptions.subscribe("group", () -> null, List.of(topic))
                .fromBeginning(true).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("assign mode");
        assertThatThrownBy(() -> ConsumerLoopOptions.assign("both", () -> null, c -> List.of(tp))
                .fromBeginning(true).lookBack(Duration.ofMinutes(1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeIsBoundedEvenWhenASinkIgnoresInterruptsAndNothingStartsAfterIt(KafkaCluster cluster)
            throws Exception {
        String topic = topic(cluster, 1);
        String group = TopicNames.unique("loop");
        produce(cluster, topic, 0, 50);
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger begunAfterClose = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger interrupts = new AtomicInteger();
        java.util.concurrent.LinkedBlockingQueue<Map.Entry<ConsumerRecord<byte[], byte[]>, RecordAck>> queued =
                new java.util.concurrent.LinkedBlockingQueue<>();
        Thread worker = new Thread(() -> {
            while (!(closed.get() && release.getCount() == 0 && queued.isEmpty())) {
                Map.Entry<ConsumerRecord<byte[], byte[]>, RecordAck> next;
                try {
                    next = queued.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    interrupts.incrementAndGet();
                    continue;
                }
                if (next == null || !next.getValue().begin()) {
                    continue;
                }
                if (closed.get()) {
                    begunAfterClose.incrementAndGet();
                }
                if (next.getKey().offset() == 0) {
                    stuck.countDown();
                    while (true) { // an LLM call that ignores interrupts
                        try {
                            release.await();
                            break;
                        } catch (InterruptedException ignored) {
                            interrupts.incrementAndGet();
                        }
                    }
                }
                next.getValue().done();
            }
        }, "stubborn-worker");
        worker.start();
        ConsumerLoop loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe("stubborn", clients(cluster, group),
                List.of(topic)).build(), new RecordSink() {
                    @Override
                    public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
                        queued.add(Map.entry(record, ack));
                    }

                    @Override
                    public void interrupt() {
                        worker.interrupt();
                    }
                }).start();
        assertThat(stuck.await(60, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        loop.close(Duration.ofMillis(500));
        closed.set(true);
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(closeMs).as("close within its bound").isLessThan(5_000);
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.isReady()).isFalse();
        assertThat(loop.ready()).isCompletedExceptionally();
        assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
        release.countDown();
        worker.join(10_000);
        assertThat(begunAfterClose.get()).as("records started after close").isZero();
        assertThat(interrupts.get()).as("the sink was asked to interrupt its work").isPositive();
        assertThat(committed(cluster, group, topic)).as("the unfinished record is not committed").isLessThanOrEqualTo(0);
        System.out.printf("LOOP close with a stubborn sink: %d ms (bound 500 ms), 0 records started after it%n",
                closeMs);
    }

    // ------------------------------------------------------------------ helpers

    private static String topic(KafkaCluster cluster, int partitions) {
        String topic = TopicNames.unique("loop");
        cluster.createTopic(topic, partitions, (short) 1);
        return topic;
    }

    private static Supplier<Consumer<byte[], byte[]>> clients(KafkaCluster cluster, String group) {
        return clients(cluster, group, Map.of());
    }

    private static Supplier<Consumer<byte[], byte[]>> clients(KafkaCluster cluster, String group,
                                                              Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(cluster.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(extra);
        return () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void produce(KafkaCluster cluster, String topic, int partition, int n) throws Exception {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null,
                        ("v-" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The group's committed offset of partition 0, or -1 (0 too means nothing was finished). */
    private static long committed(KafkaCluster cluster, String group, String topic) throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata om = offsets.get(new TopicPartition(topic, 0));
            return om == null ? -1 : om.offset();
        }
    }
}
