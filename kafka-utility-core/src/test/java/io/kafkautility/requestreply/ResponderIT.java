package io.kafkautility.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaTest
class ResponderIT {

    @Test
    void skipsExpiredAndInvalidRequestsAndCommitsAfterReplies(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("responder-requests");
        String replyTopic = TopicNames.unique("responder-replies");
        // the request without headers cannot be answered: it goes to the dead-letter topic, which must exist here
        cluster.createTopics(requestTopic, replyTopic, requestTopic + ".DLT");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResponderOptions<String, String> options = responder(cluster, requestTopic).meterRegistry(registry)
                .replyTopics(List.of(replyTopic)).build();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
             KafkaConsumer<byte[], byte[]> replies = rawConsumer(cluster, replyTopic)) {
            raw.send(request(requestTopic, "expired-1", replyTopic, System.currentTimeMillis() - 1000, "old")).get();
            raw.send(new ProducerRecord<>(requestTopic, utf8("no headers"))).get();
            raw.send(request(requestTopic, "fresh-1", replyTopic, System.currentTimeMillis() + 600_000, "new")).get();
            try (Responder<String, String> responder = Responder.create(options,
                    RequestHandler.sync(s -> s.toUpperCase()))) {
                List<ConsumerRecord<byte[], byte[]>> got = consume(replies, 1, Duration.ofSeconds(60));
                assertThat(got).hasSize(1);
                assertThat(header(got.get(0), MessageHeaders.CORRELATION_ID)).isEqualTo("fresh-1");
                assertThat(new String(got.get(0).value())).isEqualTo("NEW");
                await().atMost(Duration.ofSeconds(30)).until(() -> counter(registry,
                        MetricNames.RESPONDER_REQUESTS, "outcome", "replied") == 1);
                assertThat(counter(registry, MetricNames.RESPONDER_REQUESTS, "outcome", "expired"))
                        .isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> counter(registry,
                        MetricNames.RESPONDER_REQUESTS, "outcome", "dead_lettered") == 1);
                assertThat(counter(registry, MetricNames.RESPONDER_DEAD_LETTERS, "reason", "INVALID_REPLY_HEADERS"))
                        .isEqualTo(1);
                try (Admin admin = cluster.admin()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin
                                .listConsumerGroupOffsets(options.groupId()).partitionsToOffsetAndMetadata().get();
                        OffsetAndMetadata o = committed.get(new TopicPartition(requestTopic, 0));
                        return o != null && o.offset() == 3;
                    });
                }
                // a request leaves inFlight() when its reply's ack arrives, which may be after the commit
                await().atMost(Duration.ofSeconds(10)).until(() -> responder.inFlight() == 0);
            }
            assertThat(consume(replies, 1, Duration.ofSeconds(1))).as("no reply to expired/invalid").isEmpty();
        }
    }

    @Test
    void unansweredRequestIsNotCommittedAndIsAnsweredByTheNextInstance(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("alo-requests");
        cluster.createTopics(requestTopic);
        SimpleMeterRegistry clientRegistry = new SimpleMeterRegistry();
        ResponderOptions<String, String> options = responder(cluster, requestTopic)
                .closeTimeout(Duration.ZERO).build();
        try (RequestReplyClient<String, String> client = RequestReplyClient.create(
                client(cluster, requestTopic, clientRegistry).defaultTimeout(Duration.ofMinutes(2)).build())) {
            CompletableFuture<String> ok1;
            CompletableFuture<String> hang2;
            CompletableFuture<String> ok3;
            try (Responder<String, String> first = Responder.create(options, (request, ctx) ->
                    request.startsWith("hang") ? new CompletableFuture<>() : CompletableFuture.completedFuture(request))) {
                first.ready().get(30, TimeUnit.SECONDS);
                ok1 = client.request("ok-1");
                hang2 = client.request("hang-2");
                ok3 = client.request("ok-3");
                assertThat(ok1.get(30, TimeUnit.SECONDS)).isEqualTo("ok-1");
                assertThat(ok3.get(30, TimeUnit.SECONDS)).isEqualTo("ok-3");
                await().atMost(Duration.ofSeconds(30)).until(() -> first.inFlight() == 1);
                // the first instance dies with hang-2 unanswered
            }
            assertThat(hang2).isNotDone();
            try (Admin admin = cluster.admin()) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(options.groupId())
                        .partitionsToOffsetAndMetadata().get().get(new TopicPartition(requestTopic, 0));
                assertThat(committed).as("nothing committed past the unanswered request").isNotNull();
                assertThat(committed.offset()).isEqualTo(1);
            }
            try (Responder<String, String> second = Responder.create(options, RequestHandler.sync(s -> s))) {
                assertThat(hang2.get(60, TimeUnit.SECONDS)).isEqualTo("hang-2");
                await().atMost(Duration.ofSeconds(30)).until(() -> dropped(clientRegistry, "duplicate") == 1);
            }
            int produced = 3;
            int consumed = (ok1.isDone() ? 1 : 0) + (hang2.isDone() ? 1 : 0) + (ok3.isDone() ? 1 : 0);
            int duplicates = (int) dropped(clientRegistry, "duplicate");
            int lost = produced - consumed;
            System.out.printf("RELIABILITY %s produced=%d acked=%d ambiguous=0 consumed=%d lost=%d duplicates=%d%n",
                    "ResponderIT.unansweredRequestIsNotCommitted", produced, produced, consumed, lost, duplicates);
            assertThat(lost).isZero();
            assertThat(client.pendingCount()).isZero();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"classic", "consumer"})
    void twoRespondersShareTheRequestsUnderEitherGroupProtocol(String protocol, KafkaCluster cluster)
            throws Exception {
        String requestTopic = TopicNames.unique("protocol-requests");
        String replyTopic = TopicNames.unique("protocol-replies");
        cluster.createTopic(requestTopic, 4, (short) 1);
        cluster.createTopics(replyTopic);
        ResponderOptions<String, String> options = responder(cluster, requestTopic)
                .kafkaProperty("group.protocol", protocol).replyTopics(List.of(replyTopic)).build();
        java.util.Set<String> answeredBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
             KafkaConsumer<byte[], byte[]> replies = rawConsumer(cluster, replyTopic);
             Responder<String, String> one = Responder.create(options, RequestHandler.sync(s -> {
                 answeredBy.add("one");
                 return s;
             }));
             Responder<String, String> two = Responder.create(options, RequestHandler.sync(s -> {
                 answeredBy.add("two");
                 return s;
             }));
             Admin admin = cluster.admin()) {
            one.ready().get(60, TimeUnit.SECONDS);
            two.ready().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeConsumerGroups(
                    List.of(options.groupId())).all().get().get(options.groupId()).members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count() == 2);
            int requests = 400;
            for (int i = 0; i < requests; i++) {
                ProducerRecord<byte[], byte[]> r = request(requestTopic, "q-" + i, replyTopic,
                        System.currentTimeMillis() + 600_000, "q-" + i);
                raw.send(new ProducerRecord<>(requestTopic, i % 4, (byte[]) null, r.value(), r.headers()));
            }
            raw.flush();
            java.util.Set<String> answered = new java.util.HashSet<>();
            for (ConsumerRecord<byte[], byte[]> reply : consume(replies, requests, Duration.ofSeconds(60))) {
                answered.add(header(reply, MessageHeaders.CORRELATION_ID));
            }
            assertThat(answered).as("requests answered").hasSize(requests);
            assertThat(answeredBy).as("both responders answered").containsExactlyInAnyOrder("one", "two");
            assertThat(admin.describeConsumerGroups(List.of(options.groupId())).all().get()
                    .get(options.groupId()).type().toString()).isEqualToIgnoringCase(protocol);
        }
    }

    @Test
    void closeCommitsTheAnsweredRequestsEvenWhenItsWakeupArrivesOutsidePoll(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("close-requests");
        String replyTopic = TopicNames.unique("close-replies");
        cluster.createTopics(requestTopic, replyTopic);
        io.kafkautility.WakeupRace race = new io.kafkautility.WakeupRace();
        ResponderOptions<String, String> options = responder(cluster, requestTopic)
                .consumerFactory(race.factory()).replyTopics(List.of(replyTopic)).build();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
             KafkaConsumer<byte[], byte[]> replies = rawConsumer(cluster, replyTopic);
             Admin admin = cluster.admin()) {
            Responder<String, String> responder = Responder.create(options, RequestHandler.sync(s -> s));
            try {
                for (int i = 0; i < 3; i++) {
                    raw.send(request(requestTopic, "r-" + i, replyTopic, System.currentTimeMillis() + 600_000,
                            "q" + i)).get();
                }
                assertThat(consume(replies, 3, Duration.ofSeconds(60))).hasSize(3);
                await().atMost(Duration.ofSeconds(30)).until(() -> responder.inFlight() == 0);
                assertThat(admin.listConsumerGroupOffsets(options.groupId()).partitionsToOffsetAndMetadata().get())
                        .as("nothing committed before close (asynchronous commits fail)").isEmpty();
                assertThat(race.park(Duration.ofSeconds(30))).as("poll thread parked outside poll()").isTrue();
            } finally {
                responder.close();
            }
            assertThat(race.confirmedAfterPark()).as("a final commit confirmed by Kafka during close()").isTrue();
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(options.groupId())
                    .partitionsToOffsetAndMetadata().get().get(new TopicPartition(requestTopic, 0));
            assertThat(committed).isNotNull();
            assertThat(committed.offset()).isEqualTo(3);
        }
    }

    private static ProducerRecord<byte[], byte[]> request(String topic, String id, String replyTo, long deadline,
                                                          String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(MessageHeaders.CORRELATION_ID, utf8(id));
        h.add(MessageHeaders.REPLY_TO, utf8(replyTo));
        h.add(MessageHeaders.DEADLINE, utf8(Long.toString(deadline)));
        return new ProducerRecord<>(topic, null, (byte[]) null, utf8(value), h);
    }
}
