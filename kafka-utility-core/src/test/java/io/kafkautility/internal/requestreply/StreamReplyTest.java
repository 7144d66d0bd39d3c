package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The streamed-reply publisher's Flow contract, with MockProducer / MockConsumer (no broker). */
class StreamReplyTest {

    private static final TopicPartition REPLIES = new TopicPartition("replies", 0);

    /** A MockConsumer whose empty polls yield briefly instead of spinning. */
    static final class YieldingMockConsumer extends MockConsumer<byte[], byte[]> {
        YieldingMockConsumer() {
            super("latest");
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    TimeUnit.MILLISECONDS.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final YieldingMockConsumer consumer = new YieldingMockConsumer();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DefaultRequestReplyClient<String, String> client;
    private long offset;

    @BeforeEach
    void start() throws Exception {
        consumer.updateBeginningOffsets(Map.of(REPLIES, 0L));
        consumer.updateEndOffsets(Map.of(REPLIES, 0L));
        client = DefaultRequestReplyClient.create(RequestReplyOptions
                .builder("requests", PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperty("bootstrap.servers", "unused:9092")
                .sharedReplyTopic(REPLIES.topic(), REPLIES.partition())
                .producer(producer)
                .consumerFactory(props -> consumer)
                .meterRegistry(registry)
                .build());
        client.ready().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private String sentCorrelationId() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !producer.history().isEmpty());
        ProducerRecord<byte[], byte[]> r = producer.history().get(producer.history().size() - 1);
        return new String(r.headers().lastHeader(MessageHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
    }

    private void chunk(String id, long seq, boolean last, String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(MessageHeaders.CORRELATION_ID, id.getBytes(StandardCharsets.UTF_8));
        h.add(MessageHeaders.CHUNK_SEQUENCE, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        if (last) {
            h.add(MessageHeaders.CHUNK_FINAL, "true".getBytes(StandardCharsets.UTF_8));
        }
        consumer.addRecord(new ConsumerRecord<>(REPLIES.topic(), REPLIES.partition(), offset++, 0L,
                TimestampType.CREATE_TIME, 0, 0, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                h, Optional.empty()));
    }

    /** Requests {@code initial} items on subscribe and then only what the test asks for. */
    static final class ManualSubscriber implements Flow.Subscriber<String> {
        final List<String> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private final long initial;

        ManualSubscriber(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public void onNext(String item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    @Test
    void deliversNoMoreThanRequestedAndCompletesAfterTheLastChunk() throws Exception {
        ManualSubscriber s = new ManualSubscriber(2);
        client.requestStream("q").subscribe(s);
        String id = sentCorrelationId();
        chunk(id, 0, false, "a");
        chunk(id, 2, false, "c");
        chunk(id, 1, false, "b");
        chunk(id, 3, true, "d");
        await().atMost(Duration.ofSeconds(10)).until(() -> s.items.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> s.items.size() == 2);
        assertThat(s.done).isNotDone();
        assertThat(client.pendingCount()).as("all chunks arrived: no longer pending").isZero();
        s.subscription.get().request(10);
        s.done.get(10, TimeUnit.SECONDS);
        assertThat(s.items).containsExactly("a", "b", "c", "d");
    }

    @Test
    void endMarkerWithoutPayloadCompletesTheStream() throws Exception {
        ManualSubscriber s = new ManualSubscriber(Long.MAX_VALUE);
        client.requestStream("q").subscribe(s);
        String id = sentCorrelationId();
        chunk(id, 1, true, null);
        chunk(id, 0, false, "only");
        s.done.get(10, TimeUnit.SECONDS);
        assertThat(s.items).containsExactly("only");
    }

    @Test
    void nonPositiveRequestFailsTheStreamPerRule309() throws Exception {
        ManualSubscriber s = new ManualSubscriber(0);
        client.requestStream("q").subscribe(s);
        s.subscription.get().request(0);
        assertThat(s.done).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(IllegalArgumentException.class);
        assertThat(client.pendingCount()).isZero();
    }

    @Test
    void cancelStopsSignalsAndLaterChunksCountAsLate() throws Exception {
        ManualSubscriber s = new ManualSubscriber(Long.MAX_VALUE);
        client.requestStream("q").subscribe(s);
        String id = sentCorrelationId();
        chunk(id, 0, false, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> s.items.size() == 1);
        s.subscription.get().cancel();
        assertThat(client.pendingCount()).isZero();
        chunk(id, 1, true, "b");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(
                io.kafkautility.metrics.MetricNames.REQUEST_REPLY_DROPPED).tag("reason", "late").counter().count() == 1);
        assertThat(s.items).containsExactly("a");
        assertThat(s.done).isNotDone();
    }

    @Test
    void secondSubscriberIsRejected() {
        Flow.Publisher<String> p = client.requestStream("q");
        ManualSubscriber first = new ManualSubscriber(1);
        ManualSubscriber second = new ManualSubscriber(1);
        p.subscribe(first);
        p.subscribe(second);
        assertThat(second.done).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                .havingCause().isInstanceOf(IllegalStateException.class);
        assertThat(first.done).isNotDone();
        assertThat(producer.history()).as("one request sent").hasSize(1);
    }

    @Test
    void closeFailsAnOpenStream() {
        ManualSubscriber s = new ManualSubscriber(Long.MAX_VALUE);
        client.requestStream("q").subscribe(s);
        sentCorrelationId();
        client.close();
        assertThat(s.done).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                .havingCause().isInstanceOf(io.kafkautility.requestreply.RequestReplyClosedException.class);
    }
}
