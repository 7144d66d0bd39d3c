package io.kafkautility.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

@KafkaTest
class StreamedReplyIT {

    private static final int CHUNKS = 500;
    private static final List<String> EXPECTED = IntStream.range(0, CHUNKS).mapToObj(i -> "token-" + i).toList();

    private String requestTopic;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void topic(KafkaCluster cluster) {
        requestTopic = TopicNames.unique("stream-requests");
        cluster.createTopics(requestTopic);
        registry = new SimpleMeterRegistry();
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("stream completed normally");
    }

    @Test
    void streamOf500ChunksArrivesCompleteAndInOrder(KafkaCluster cluster) throws Exception {
        try (Responder<String, String> responder = Responder.createStreaming(
                     responder(cluster, requestTopic).build(), (request, sink, ctx) -> {
                         for (int i = 0; i < CHUNKS - 1; i++) {
                             sink.next("token-" + i);
                         }
                         sink.complete("token-" + (CHUNKS - 1));
                     });
             RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            Collector<String> collector = new Collector<>(16);
            client.requestStream("tell me a story").subscribe(collector);
            assertThat(collector.done.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(EXPECTED);
            assertThat(client.pendingCount()).isZero();
            assertThat(dropped(registry, "duplicate")).isZero();
        }
    }

    @Test
    void streamArrivesCompleteAndInOrderWhenChunksAreDuplicatedAndShuffled(KafkaCluster cluster) throws Exception {
        try (RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build());
             KafkaConsumer<byte[], byte[]> requests = rawConsumer(cluster, requestTopic);
             KafkaProducer<byte[], byte[]> raw = rawProducer(cluster)) {
            Collector<String> collector = new Collector<>(Long.MAX_VALUE);
            client.requestStream("tell me a story").subscribe(collector);
            ConsumerRecord<byte[], byte[]> request = consume(requests, 1, Duration.ofSeconds(60)).get(0);
            String id = header(request, MessageHeaders.CORRELATION_ID);
            String replyTo = header(request, MessageHeaders.REPLY_TO);
            List<Integer> order = new ArrayList<>(IntStream.range(0, CHUNKS).boxed().toList());
            IntStream.range(0, CHUNKS).filter(i -> i % 10 == 3).forEach(order::add);
            Collections.shuffle(order, new Random(7));
            for (int seq : order) {
                RecordHeaders h = new RecordHeaders();
                h.add(MessageHeaders.CORRELATION_ID, utf8(id));
                h.add(MessageHeaders.CHUNK_SEQUENCE, utf8(Integer.toString(seq)));
                if (seq == CHUNKS - 1) {
                    h.add(MessageHeaders.CHUNK_FINAL, utf8("true"));
                }
                raw.send(new ProducerRecord<>(replyTo, null, (byte[]) null, utf8("token-" + seq), h));
            }
            raw.flush();
            assertThat(collector.done.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(EXPECTED);
            assertThat(client.pendingCount()).isZero();
            // duplicates that arrive after the final chunk completed the stream count as duplicate replies too
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> dropped(registry, "duplicate") == CHUNKS / 10);
        }
    }

    @Test
    void idleTimeoutBetweenChunksFailsTheStream(KafkaCluster cluster) throws Exception {
        try (Responder<String, String> responder = Responder.createStreaming(
                     responder(cluster, requestTopic).closeTimeout(Duration.ZERO).build(), (request, sink, ctx) -> {
                         sink.next("a");
                         sink.next("b");
                         sink.next("c");
                         // never completes: the model hangs
                     });
             RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            client.ready().get(30, TimeUnit.SECONDS);
            Collector<String> collector = new Collector<>(Long.MAX_VALUE);
            client.requestStream("hang", Duration.ofMillis(2500), Duration.ofMinutes(5)).subscribe(collector);
            Throwable t = failure(collector.done);
            assertThat(t).isInstanceOf(RequestTimeoutException.class);
            assertThat(((RequestTimeoutException) t).kind()).isEqualTo(RequestTimeoutException.Kind.IDLE);
            assertThat(collector.items).containsExactly("a", "b", "c");
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void errorMidStreamFailsTheStreamWithTheRemoteError(KafkaCluster cluster) throws Exception {
        try (Responder<String, String> responder = Responder.createStreaming(
                     responder(cluster, requestTopic).build(), (request, sink, ctx) -> {
                         sink.next("a");
                         sink.next("b");
                         throw new IllegalStateException("model crashed");
                     });
             RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            Collector<String> collector = new Collector<>(Long.MAX_VALUE);
            client.requestStream("crash").subscribe(collector);
            Throwable t = failure(collector.done);
            assertThat(t).isInstanceOf(RemoteReplyException.class);
            assertThat(((RemoteReplyException) t).errorCode()).isEqualTo(RequestRejectedException.HANDLER_FAILED);
            assertThat(t.getMessage()).doesNotContain("model crashed");
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void slowSubscriberOverflowsTheBoundedBufferWithATypedError(KafkaCluster cluster) throws Exception {
        try (Responder<String, String> responder = Responder.createStreaming(
                     responder(cluster, requestTopic).build(), (request, sink, ctx) -> {
                         for (int i = 0; i < 100; i++) {
                             sink.next("c" + i);
                         }
                         sink.complete();
                     });
             RequestReplyClient<String, String> client = RequestReplyClient.create(
                     client(cluster, requestTopic, registry).streamBufferSize(10).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            List<String> got = new ArrayList<>();
            client.requestStream("flood").subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(String item) {
                    got.add(item);
                }

                @Override
                public void onError(Throwable t) {
                    error.complete(t);
                }

                @Override
                public void onComplete() {
                    error.complete(null);
                }
            });
            Throwable t = error.get(60, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(StreamOverflowException.class);
            assertThat(got).containsExactly("c0");
            assertThat(client.pendingCount()).isZero();
        }
    }
}
