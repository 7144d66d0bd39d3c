package io.kafkautility.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.metrics.MetricNames;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaTest
class RequestReplyClientIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private String requestTopic;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void topic(KafkaCluster cluster) {
        requestTopic = TopicNames.unique("requests");
        cluster.createTopics(requestTopic);
        registry = new SimpleMeterRegistry();
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("future completed normally");
    }

    @Test
    void timeoutFailsWithTypedExceptionNamingCorrelationIdTopicAndElapsed(KafkaCluster cluster) throws Exception {
        try (RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            client.ready().get(30, TimeUnit.SECONDS);
            CompletableFuture<String> f = client.request("nobody answers", Duration.ofMillis(300));
            Throwable t = failure(f);
            assertThat(t).isInstanceOf(RequestTimeoutException.class);
            RequestTimeoutException e = (RequestTimeoutException) t;
            assertThat(e.correlationId()).isNotBlank();
            assertThat(e.topic()).isEqualTo(requestTopic);
            assertThat(e.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.OVERALL);
            assertThat(e.getMessage()).contains(e.correlationId()).contains(requestTopic).contains(" ms");
            assertThat(client.pendingCount()).isZero();
            assertThat(registry.get(MetricNames.REQUEST_REPLY_TIMEOUTS).counter().count()).isEqualTo(1);
            assertThat(registry.get(MetricNames.REQUEST_REPLY_ROUND_TRIP).tag("outcome", "timeout").timer().count())
                    .isEqualTo(1);
            System.out.println("timeout: " + e.getMessage());
        }
    }

    @Test
    void requestProducerSendsAtOnceWithOneRequestInFlightUnlessTheUserSetsOtherwise(KafkaCluster cluster)
            throws Exception {
        List<java.util.Map<String, Object>> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Function<java.util.Map<String, Object>, org.apache.kafka.clients.producer.Producer<byte[],
                byte[]>> recording = props -> {
                    created.add(java.util.Map.copyOf(props));
                    return new KafkaProducer<>(props);
                };
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> defaults = RequestReplyClient.create(
                     client(cluster, requestTopic, registry).producerFactory(recording).build());
             RequestReplyClient<String, String> tuned = RequestReplyClient.create(
                     client(cluster, requestTopic, registry).producerFactory(recording)
                             .kafkaProperty("max.in.flight.requests.per.connection", 5).build())) {
            assertThat(defaults.request("a").get(30, TimeUnit.SECONDS)).isEqualTo("a");
            assertThat(tuned.request("b").get(30, TimeUnit.SECONDS)).isEqualTo("b");
        }
        assertThat(created).hasSize(2);
        assertThat(created.get(0)).containsEntry("linger.ms", 0)
                .containsEntry("max.in.flight.requests.per.connection", 1);
        assertThat(created.get(1)).containsEntry("max.in.flight.requests.per.connection", 5);
    }

    @Test
    void lateReplyIsDroppedAndCounted(KafkaCluster cluster) throws Exception {
        try (RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build());
             KafkaConsumer<byte[], byte[]> requests = rawConsumer(cluster, requestTopic);
             KafkaProducer<byte[], byte[]> replies = rawProducer(cluster)) {
            CompletableFuture<String> f = client.request("slow", Duration.ofMillis(300));
            assertThat(failure(f)).isInstanceOf(RequestTimeoutException.class);
            ConsumerRecord<byte[], byte[]> request = consume(requests, 1, WAIT).get(0);
            replies.send(reply(request, "too late")).get();
            await().atMost(WAIT).until(() -> dropped(registry, "late") == 1);
            assertThat(dropped(registry, "duplicate")).isZero();
            assertThat(dropped(registry, "unknown")).isZero();
            assertThat(f).isCompletedExceptionally();
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void duplicateReplyIsDroppedAndCountedAndReplyRemovesEntryAndTimer(KafkaCluster cluster) throws Exception {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        try (RequestReplyClient<String, String> client = RequestReplyClient.create(
                client(cluster, requestTopic, registry).scheduler(timer).build());
             KafkaConsumer<byte[], byte[]> requests = rawConsumer(cluster, requestTopic);
             KafkaProducer<byte[], byte[]> replies = rawProducer(cluster)) {
            CompletableFuture<String> f = client.request("once", Duration.ofSeconds(60));
            ConsumerRecord<byte[], byte[]> request = consume(requests, 1, WAIT).get(0);
            assertThat(header(request, MessageHeaders.REPLY_TO)).isEqualTo(client.replyTopic());
            assertThat(header(request, MessageHeaders.DEADLINE)).isNotNull();
            replies.send(reply(request, "first")).get();
            replies.send(reply(request, "second")).get();
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("first");
            await().atMost(WAIT).until(() -> dropped(registry, "duplicate") == 1);
            assertThat(dropped(registry, "late")).isZero();
            assertThat(client.pendingCount()).isZero();
            assertThat(timer.getQueue()).as("timeout timer removed").isEmpty();
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void unknownCorrelationIdIsDroppedAndCountedAndClientKeepsWorking(KafkaCluster cluster) throws Exception {
        try (RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build());
             KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
             Responder<String, String> echo = echo(cluster, requestTopic)) {
            client.ready().get(30, TimeUnit.SECONDS);
            RecordHeaders h = new RecordHeaders();
            h.add(MessageHeaders.CORRELATION_ID, utf8("somebody-else-42"));
            raw.send(new ProducerRecord<>(client.replyTopic(), null, (byte[]) null, utf8("stray"), h)).get();
            raw.send(new ProducerRecord<>(client.replyTopic(), utf8("no headers at all"))).get();
            await().atMost(WAIT).until(() -> dropped(registry, "unknown") == 2);
            assertThat(client.request("still works").get(30, TimeUnit.SECONDS)).isEqualTo("still works");
            assertThat(dropped(registry, "late") + dropped(registry, "duplicate")).isZero();
        }
    }

    @Test
    void errorReplyFailsTheFutureAtOnceWithTheRemoteError(KafkaCluster cluster) throws Exception {
        ResponderOptions<String, String> options = responder(cluster, requestTopic).build();
        try (Responder<String, String> responder = Responder.create(options, (request, ctx) -> {
                 if (request.startsWith("sync")) {
                     throw new IllegalStateException("boom: cannot handle");
                 }
                 return CompletableFuture.failedFuture(new UnsupportedOperationException("async boom"));
             });
             RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            responder.ready().get(30, TimeUnit.SECONDS);
            // timeout far beyond the wait: failing "at once" means long before the timeout
            CompletableFuture<String> sync = client.request("sync-fail", Duration.ofMinutes(5));
            CompletableFuture<String> async = client.request("async-fail", Duration.ofMinutes(5));
            Throwable t1 = failure(sync);
            Throwable t2 = failure(async);
            assertThat(t1).isInstanceOf(RemoteReplyException.class);
            RemoteReplyException e1 = (RemoteReplyException) t1;
            // the code and an error id travel, the exception's class and text stay in the responder's log
            assertThat(e1.errorCode()).isEqualTo(RequestRejectedException.HANDLER_FAILED);
            assertThat(e1.remoteMessage()).isEmpty();
            assertThat(e1.errorId()).isNotBlank();
            assertThat(e1.getMessage()).doesNotContain("boom");
            assertThat(e1.correlationId()).isNotBlank();
            assertThat(e1.topic()).isEqualTo(requestTopic);
            assertThat(((RemoteReplyException) t2).errorCode()).isEqualTo(RequestRejectedException.HANDLER_FAILED);
            assertThat(client.pendingCount()).isZero();
            assertThat(registry.get(MetricNames.REQUEST_REPLY_ROUND_TRIP).tag("outcome", "error_reply").timer()
                    .count()).isEqualTo(2);
        }
    }

    @Test
    void closeFailsEveryPendingFutureWithClosedException(KafkaCluster cluster) throws Exception {
        RequestReplyClient<String, String> client =
                RequestReplyClient.create(client(cluster, requestTopic, registry).build());
        client.ready().get(30, TimeUnit.SECONDS);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.request("pending-" + i, Duration.ofMinutes(5)));
        }
        assertThat(client.pendingCount()).isEqualTo(100);
        client.close();
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<String> f : futures) {
            assertThat(f).isDone();
            Throwable t = failure(f);
            assertThat(t).isInstanceOf(RequestReplyClosedException.class);
            ids.add(((RequestReplyClosedException) t).correlationId());
        }
        assertThat(ids).hasSize(100).doesNotContainNull();
        assertThat(client.pendingCount()).isZero();
        assertThat(failure(client.request("after close"))).isInstanceOf(RequestReplyClosedException.class);
        client.close();
    }

    @Test
    void requestSentRightAfterStartGetsItsReply(KafkaCluster cluster) throws Exception {
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> client =
                     RequestReplyClient.create(client(cluster, requestTopic, registry).build())) {
            boolean readyWhenRequested = client.ready().isDone();
            CompletableFuture<String> f = client.request("first request");
            assertThat(readyWhenRequested).as("reply consumer still starting when the request was made").isFalse();
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("first request");
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void fullPendingMapRejectsWithTypedExceptionAndCancelFreesTheSlot(KafkaCluster cluster) throws Exception {
        try (RequestReplyClient<String, String> client = RequestReplyClient.create(
                client(cluster, requestTopic, registry).maxPendingRequests(2).build())) {
            client.ready().get(30, TimeUnit.SECONDS);
            CompletableFuture<String> a = client.request("a", Duration.ofMinutes(5));
            CompletableFuture<String> b = client.request("b", Duration.ofMinutes(5));
            Throwable rejected = failure(client.request("c", Duration.ofMinutes(5)));
            assertThat(rejected).isInstanceOf(PendingLimitExceededException.class);
            assertThat(((PendingLimitExceededException) rejected).limit()).isEqualTo(2);
            assertThat(((PendingLimitExceededException) rejected).isRetriable()).isTrue();
            assertThat(a.cancel(false)).isTrue();
            assertThat(client.pendingCount()).isEqualTo(1);
            CompletableFuture<String> d = client.request("d", Duration.ofMinutes(5));
            assertThat(d).isNotDone();
            assertThat(client.pendingCount()).isEqualTo(2);
            assertThat(registry.get(MetricNames.REQUEST_REPLY_REJECTED).counter().count()).isEqualTo(1);
            assertThat(b).isNotDone();
        }
    }

    @Test
    void missingConfiguredReplyTopicFailsRequestsWithTypedException(KafkaCluster cluster) throws Exception {
        String missing = TopicNames.unique("missing-replies");
        try (RequestReplyClient<String, String> client = RequestReplyClient.create(
                client(cluster, requestTopic, registry).replyTopic(missing)
                        .startupTimeout(Duration.ofSeconds(10)).build())) {
            CompletableFuture<String> early = client.request("queued before start-up failed");
            Throwable t = failure(early);
            assertThat(t).isInstanceOf(RequestSendException.class);
            assertThat(((RequestSendException) t).topic()).isEqualTo(missing);
            assertThat(failure(client.ready())).isInstanceOf(RequestSendException.class);
            assertThat(failure(client.request("after"))).isInstanceOf(RequestSendException.class);
            assertThat(client.pendingCount()).isZero();
        }
    }

    private static ProducerRecord<byte[], byte[]> reply(ConsumerRecord<byte[], byte[]> request, String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(MessageHeaders.CORRELATION_ID, utf8(header(request, MessageHeaders.CORRELATION_ID)));
        return new ProducerRecord<>(header(request, MessageHeaders.REPLY_TO), null, (byte[]) null, utf8(value), h);
    }
}
