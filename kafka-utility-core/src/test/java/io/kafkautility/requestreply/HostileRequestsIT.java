package io.kafkautility.requestreply;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Requests a hostile or broken peer writes with a raw producer, against a real broker: each one is dead-lettered with
 * its reason, its offset advances, and the responder goes on answering good requests. Every test failed on the
 * responder before these were handled (issue: one consumer engine, defects 1-3 and 6).
 */
@KafkaTest
class HostileRequestsIT {

    /** A reply-partition header of -1 with a payload the handler rejects killed the poll thread for good. */
    @Test
    void aNegativeReplyPartitionIsDeadLetteredAndTheResponderKeepsServing(KafkaCluster cluster) throws Exception {
        try (Setup s = new Setup(cluster, RequestHandler.sync(q -> {
            if (q.startsWith("bad")) {
                throw new IllegalArgumentException("rejected");
            }
            return q.toUpperCase();
        }), null)) {
            s.raw.send(s.request("bad payload", s.replyTopic, "-1", "c-neg-bad")).get();
            s.raw.send(s.request("good payload", s.replyTopic, "-1", "c-neg-good")).get();
            s.raw.send(s.request("abc", s.replyTopic, "not-a-number", "c-nan")).get();
            s.raw.send(s.request("abc", s.replyTopic, "1".repeat(40), "c-huge")).get();
            s.assertDeadLettered(Map.of("c-neg-bad", "INVALID_REPLY_HEADERS", "c-neg-good", "INVALID_REPLY_HEADERS",
                    "c-nan", "INVALID_REPLY_HEADERS", "c-huge", "INVALID_REPLY_HEADERS"));
            s.assertStillAnswers();
            s.assertCommittedToTheEnd();
        }
    }

    /** The same header killed a streaming responder even with a valid payload. */
    @Test
    void aStreamingResponderSurvivesTheSameHeaders(KafkaCluster cluster) throws Exception {
        try (Setup s = new Setup(cluster, null, (q, sink, ctx) -> {
            sink.next(q + "-1");
            sink.complete(q + "-2");
        })) {
            s.raw.send(s.request("valid", s.replyTopic, "-1", "c-stream-neg")).get();
            s.assertDeadLettered(Map.of("c-stream-neg", "INVALID_REPLY_HEADERS"));
            s.raw.send(s.request("valid", s.replyTopic, null, "c-stream-ok")).get();
            List<ConsumerRecord<byte[], byte[]>> chunks = consume(s.replies, 2, Duration.ofSeconds(30));
            assertThat(chunks).extracting(r -> new String(r.value())).containsExactly("valid-1", "valid-2");
            s.assertCommittedToTheEnd();
        }
    }

    /**
     * Replies went to whatever topic a header named (another service's topic got a record), a missing reply topic
     * was auto-created, and a partition that does not exist blocked the poll thread 10 s per request.
     */
    @Test
    void repliesGoOnlyToAllowedReplyTopicsAndPartitionsThatExistWithoutBlocking(KafkaCluster cluster)
            throws Exception {
        String billing = TopicNames.unique("billing-events");
        cluster.createTopic(billing, 1, (short) 1);
        try (Setup s = new Setup(cluster, RequestHandler.sync(String::toUpperCase), null)) {
            String ghost = ResponderOptions.DEFAULT_REPLY_TOPIC_PREFIX + TopicNames.unique("ghost");
            s.raw.send(s.request("x", billing, null, "c-billing")).get();
            s.raw.send(s.request("x", ghost, null, "c-ghost")).get();
            Map<String, String> expected = new HashMap<>(Map.of("c-billing", "REPLY_TOPIC_NOT_ALLOWED",
                    "c-ghost", "REPLY_TOPIC_NOT_FOUND"));
            for (int i = 0; i < 20; i++) { // 20 x max.block.ms (10 s) on the poll thread before
                s.raw.send(s.request("x", s.replyTopic, "999", "c-999-" + i));
                expected.put("c-999-" + i, "REPLY_PARTITION_NOT_FOUND");
            }
            s.raw.flush();
            s.assertStillAnswers(); // within the 30 s the wait allows, far less than 200 s
            s.assertDeadLettered(expected);
            try (Admin admin = cluster.admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("no topic auto-created")
                        .doesNotContain(ghost);
                TopicPartition tp = new TopicPartition(billing, 0);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                        .get(tp).offset()).as("nothing written to another service's topic").isZero();
            }
            s.assertCommittedToTheEnd();
        }
    }

    /** A handler's exception text (with a secret in it) reached the requester verbatim. */
    @Test
    void errorRepliesCarryACodeAndAnErrorIdNeverTheExceptionText(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("rr-errors");
        cluster.createTopics(requestTopic);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Responder<String, String> responder = Responder.create(responder(cluster, requestTopic).build(),
                (q, ctx) -> switch (q) {
                    case "leak" -> throw new IllegalStateException("password=hunter2 rejected");
                    case "missing" -> CompletableFuture.failedFuture(
                            new RequestRejectedException("NOT_FOUND", "no document doc-7"));
                    default -> CompletableFuture.completedFuture(q);
                });
             RequestReplyClient<String, String> client = RequestReplyClient.create(
                     client(cluster, requestTopic, registry).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            RemoteReplyException leak = remote(client.request("leak", Duration.ofSeconds(30)));
            assertThat(leak.errorCode()).isEqualTo(RequestRejectedException.HANDLER_FAILED);
            assertThat(leak.remoteMessage()).isEmpty();
            assertThat(leak.errorId()).matches("[0-9a-f-]{36}");
            assertThat(leak.getMessage()).doesNotContain("hunter2").doesNotContain("IllegalStateException")
                    .contains(leak.errorId());
            RemoteReplyException missing = remote(client.request("missing", Duration.ofSeconds(30)));
            assertThat(missing.errorCode()).isEqualTo("NOT_FOUND");
            assertThat(missing.remoteMessage()).isEqualTo("no document doc-7");
            assertThat(missing.errorId()).isNotEqualTo(leak.errorId());
        }
    }

    private static RemoteReplyException remote(CompletableFuture<String> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RemoteReplyException.class);
            return (RemoteReplyException) e.getCause();
        }
        throw new AssertionError("the request succeeded");
    }

    /** A responder on one request topic, a reply topic of the default allowed prefix, raw producer and readers. */
    private static final class Setup implements AutoCloseable {
        final String requestTopic = TopicNames.unique("hostile-requests");
        final String replyTopic = ResponderOptions.DEFAULT_REPLY_TOPIC_PREFIX + TopicNames.unique("hostile");
        final KafkaCluster cluster;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final Responder<String, String> responder;
        final ResponderOptions<String, String> options;
        final KafkaProducer<byte[], byte[]> raw;
        final KafkaConsumer<byte[], byte[]> replies;
        final KafkaConsumer<byte[], byte[]> deadLetters;
        int sent;

        Setup(KafkaCluster cluster, RequestHandler<String, String> single,
              StreamingRequestHandler<String, String> streaming) {
            this.cluster = cluster;
            cluster.createTopic(requestTopic, 1, (short) 1);
            cluster.createTopic(replyTopic, 1, (short) 1);
            cluster.createTopic(requestTopic + ".DLT", 1, (short) 1);
            options = responder(cluster, requestTopic).meterRegistry(registry).build();
            responder = single != null ? Responder.create(options, single)
                    : Responder.createStreaming(options, streaming);
            responder.ready().join();
            raw = rawProducer(cluster);
            replies = rawConsumer(cluster, replyTopic);
            deadLetters = rawConsumer(cluster, requestTopic + ".DLT");
        }

        ProducerRecord<byte[], byte[]> request(String value, String replyTo, String partition, String id) {
            RecordHeaders h = new RecordHeaders();
            h.add(MessageHeaders.CORRELATION_ID, utf8(id));
            h.add(MessageHeaders.REPLY_TO, utf8(replyTo));
            if (partition != null) {
                h.add(MessageHeaders.REPLY_PARTITION, utf8(partition));
            }
            sent++;
            return new ProducerRecord<>(requestTopic, null, (byte[]) null, utf8(value), h);
        }

        void assertDeadLettered(Map<String, String> reasons) {
            List<ConsumerRecord<byte[], byte[]>> dead = consume(deadLetters, reasons.size(), Duration.ofSeconds(30));
            Map<String, String> got = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                got.put(header(r, MessageHeaders.CORRELATION_ID), header(r, MessageHeaders.DLT_REASON));
                assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(requestTopic);
            }
            assertThat(got).isEqualTo(reasons);
            System.out.printf("HOSTILE %d requests dead-lettered with their reasons: %s%n", got.size(),
                    new java.util.TreeSet<>(got.values()));
        }

        /** A good request sent now is answered (the poll thread is alive and not blocked). */
        void assertStillAnswers() throws Exception {
            String id = "c-good-" + sent;
            long t0 = System.nanoTime();
            raw.send(request("good", replyTopic, null, id)).get();
            Function<ConsumerRecord<byte[], byte[]>, String> idOf = r -> header(r, MessageHeaders.CORRELATION_ID);
            List<ConsumerRecord<byte[], byte[]>> got = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                replies.poll(Duration.ofMillis(100)).forEach(got::add);
                return got.stream().anyMatch(r -> id.equals(idOf.apply(r)));
            });
            System.out.printf("HOSTILE a good request after them answered in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }

        void assertCommittedToTheEnd() {
            try (Admin admin = cluster.admin()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin
                            .listConsumerGroupOffsets(options.groupId()).partitionsToOffsetAndMetadata().get();
                    OffsetAndMetadata o = committed.get(new TopicPartition(requestTopic, 0));
                    return o != null && o.offset() == sent;
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> responder.inFlight() == 0);
            assertThat(counter(registry, MetricNames.RESPONDER_REQUESTS, "outcome", "dead_lettered"))
                    .isGreaterThan(0);
        }

        @Override
        public void close() {
            responder.close();
            raw.close();
            replies.close();
            deadLetters.close();
        }
    }
}
