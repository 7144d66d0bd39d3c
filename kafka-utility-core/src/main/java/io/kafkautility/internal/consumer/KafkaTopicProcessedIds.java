package io.kafkautility.internal.consumer;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.MissingTopicException;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InMemoryProcessedIds} shared through a Kafka topic: every new id is also written to the topic (key = the id's
 * key, empty value; acks=all, idempotent, linger 0), and every store reads the whole topic, assigned and without a
 * group, from {@code lookBack} ago and then follows it on a {@link ConsumerLoop}. The constructor returns once the
 * topic is read up to where its end was at the start. Records on the topic are untrusted: a missing or oversized key
 * is skipped. A failed write is logged once per failure streak (without ids) and counted; the id stays remembered
 * here. Thread-safe.
 */
public final class KafkaTopicProcessedIds extends InMemoryProcessedIds {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopicProcessedIds.class);
    private static final byte[] EMPTY = new byte[0];
    /** Longer keys are not ours ({@link InMemoryProcessedIds#key} hashes anything longer than 256 characters). */
    private static final int MAX_KEY_BYTES = 4 * MAX_KEY_LENGTH;

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final ConsumerLoop loop;
    private final AtomicBoolean writeFailing = new AtomicBoolean();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong skippedRecords = new AtomicLong();

    public KafkaTopicProcessedIds(KafkaConnectionOptions connection, String topic, int capacity, Duration lookBack,
                                  Duration startTimeout) {
        super(capacity);
        Objects.requireNonNull(connection, "connection");
        if (topic == null || topic.isBlank()) {
            throw new ConfigurationException("processed ids topic must be a topic name but was '" + topic + "'");
        }
        if (lookBack == null || lookBack.isNegative() || lookBack.isZero()) {
            throw new ConfigurationException("processed ids lookBack must be positive but was " + lookBack);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new ConfigurationException("processed ids startTimeout must be positive but was " + startTimeout);
        }
        this.topic = topic;
        Map<String, Object> producerProperties = connection.clientProperties();
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, 0); // the id is durable one round trip after add
        producerProperties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producerProperties.computeIfPresent(ProducerConfig.CLIENT_ID_CONFIG, (k, v) -> v + "-processed-ids");
        Map<String, Object> consumerProperties = connection.clientProperties();
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.computeIfPresent(ConsumerConfig.CLIENT_ID_CONFIG, (k, v) -> v + "-processed-ids");
        java.util.function.Supplier<Consumer<byte[], byte[]>> clients = () -> new KafkaConsumer<>(
                new HashMap<>(consumerProperties), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // where each partition ends now, and from where on it holds its share of the newest ids: the reader reads the
        // look-back partition after partition, so without a floor the last partition read would crowd out the others
        Map<TopicPartition, Long> ends;
        try (Consumer<byte[], byte[]> c = clients.get()) {
            List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(topic, startTimeout);
            if (infos == null || infos.isEmpty()) {
                throw new ConfigurationException("processed ids topic '" + topic + "' does not exist; create it with "
                        + "cleanup.policy=delete and retention.ms of at least the look-back (" + lookBack + ")");
            }
            ends = c.endOffsets(infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList(),
                    startTimeout);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ConfigurationException("processed ids topic '" + topic + "' cannot be read within "
                    + startTimeout + " (" + e.getClass().getSimpleName() + ")", e);
        }
        long share = (capacity + ends.size() - 1) / ends.size();
        Map<TopicPartition, Long> floors = new HashMap<>();
        ends.forEach((tp, end) -> floors.put(tp, end - share));
        this.producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.assign("processed-ids-" + topic, clients,
                        ConsumerLoopOptions.allPartitionsOf(topic, Duration.ofSeconds(10)))
                .lookBack(lookBack).commitInterval(Duration.ZERO).build(), new Reader(Map.copyOf(floors)));
        try {
            loop.start();
            loop.ready().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            catchUp(ends, startTimeout);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            close();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new ConfigurationException("processed ids topic '" + topic + "' cannot be read within " + startTimeout
                    + " (" + (cause instanceof MissingTopicException ? "it does not exist; create it with "
                    + "cleanup.policy=delete and retention.ms of at least the look-back" : cause.getClass()
                    .getSimpleName()) + ")", cause);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while reading processed ids topic '" + topic + "'", e);
        }
        log.info("Processed ids from topic {}: {} remembered", topic, size());
    }

    /** Waits until the loop has read every partition up to {@code ends}. */
    private void catchUp(Map<TopicPartition, Long> ends, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ends.entrySet().stream().allMatch(e -> loop.positions().getOrDefault(e.getKey(), -1L) >= e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("still reading processed ids up to " + ends);
            }
            if (!loop.isRunning()) {
                throw new IllegalStateException("the processed ids reader stopped");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Override
    protected void added(String key) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), EMPTY), (md, e) -> {
                if (e == null) {
                    writeFailing.set(false);
                } else {
                    writeFailed(e);
                }
            });
        } catch (RuntimeException e) {
            writeFailed(e); // closed, or no metadata within max.block.ms: remembered here only
        }
    }

    private void writeFailed(Exception e) {
        writeFailures.incrementAndGet();
        if (writeFailing.compareAndSet(false, true)) { // once per failure streak: an outage must not flood the log
            log.warn("Processed ids cannot be written to topic {} ({}); ids are remembered by this process only "
                    + "until it can", topic, e.getClass().getSimpleName());
        }
    }

    /** Ids whose write to the topic failed (remembered by this process only). */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Records of the topic skipped as not ours (no key, or a key too long to be one). */
    public long skippedRecords() {
        return skippedRecords.get();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        FunctionCounter.builder(MetricNames.PROCESSED_IDS_WRITE_FAILURES, writeFailures, AtomicLong::get)
                .description("Ids that could not be written to the processed-ids topic")
                .tag(MetricNames.TAG_TOPIC, topic).register(registry);
        FunctionCounter.builder(MetricNames.PROCESSED_IDS_SKIPPED, skippedRecords, AtomicLong::get)
                .description("Records on the processed-ids topic that were not ids")
                .tag(MetricNames.TAG_TOPIC, topic).register(registry);
    }

    /** Whether the reader is following the topic now. */
    public boolean isReading() {
        return loop.isReady();
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "KafkaTopicProcessedIds{topic=" + topic + ", capacity=" + capacity() + ", size=" + size() + "}";
    }

    /** Remembers every id another store (or this one) wrote. On the loop's poll thread; never blocks. */
    private final class Reader implements RecordSink {
        /** Records below these offsets (older than the partition's share of the capacity at the start) are skipped. */
        private final Map<TopicPartition, Long> floors;
        private int missing;

        Reader(Map<TopicPartition, Long> floors) {
            this.floors = floors;
        }

        @Override
        public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
            ack.begin();
            try {
                byte[] key = record.key();
                Long floor = floors.get(new TopicPartition(record.topic(), record.partition()));
                if (floor != null && record.offset() < floor) {
                    return; // an older id than this store has room for
                }
                if (key == null || key.length == 0 || key.length > MAX_KEY_BYTES) {
                    long n = skippedRecords.incrementAndGet();
                    if (n == 1 || n % 1_000 == 0) { // the first, then every thousandth: a flood must not flood the log
                        log.warn("Processed ids topic {}: record {}-{}@{} has {} key; skipped ({} so far)", topic,
                                record.topic(), record.partition(), record.offset(), key == null ? "no"
                                        : key.length == 0 ? "an empty" : "a " + key.length + "-byte", n);
                    }
                } else {
                    remember(new String(key, StandardCharsets.UTF_8));
                }
            } finally {
                ack.done();
            }
        }

        @Override
        public boolean onFailure(RuntimeException error, Duration retryIn) {
            // a missing topic stays missing: ready() fails after a few tries instead of a warning every few seconds
            return !(error instanceof MissingTopicException) || ++missing < 3;
        }
    }
}
