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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaTest
class SharedReplyTopicIT {

    @Test
    void twoInstancesSharingAReplyTopicNeverCompleteEachOthersFutures(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("shared-requests");
        String replyTopic = TopicNames.unique("shared-replies");
        cluster.createTopic(requestTopic, 2, (short) 1);
        cluster.createTopic(replyTopic, 2, (short) 1);
        SimpleMeterRegistry regA = new SimpleMeterRegistry();
        SimpleMeterRegistry regB = new SimpleMeterRegistry();
        Responder<String, String> echo = Responder.create(responder(cluster, requestTopic)
                .replyTopics(List.of(replyTopic)).build(), RequestHandler.sync(s -> s));
        echo.ready().join();
        try (echo;
             RequestReplyClient<String, String> a = RequestReplyClient.create(client(cluster, requestTopic, regA)
                     .clientName("a").sharedReplyTopic(replyTopic, 0).build());
             RequestReplyClient<String, String> b = RequestReplyClient.create(client(cluster, requestTopic, regB)
                     .clientName("b").sharedReplyTopic(replyTopic, 1).build());
             KafkaConsumer<byte[], byte[]> requests = rawConsumer(cluster, requestTopic);
             KafkaProducer<byte[], byte[]> raw = rawProducer(cluster)) {
            a.ready().get(30, TimeUnit.SECONDS);
            b.ready().get(30, TimeUnit.SECONDS);
            int n = 500;
            List<CompletableFuture<String>> fa = new ArrayList<>();
            List<CompletableFuture<String>> fb = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fa.add(a.request("a-" + i));
                fb.add(b.request("b-" + i));
            }
            for (int i = 0; i < n; i++) {
                assertThat(fa.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("a-" + i);
                assertThat(fb.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("b-" + i);
            }
            // every request names its own partition
            List<ConsumerRecord<byte[], byte[]>> seen = consume(requests, 2 * n, Duration.ofSeconds(60));
            assertThat(seen).hasSize(2 * n);
            for (ConsumerRecord<byte[], byte[]> r : seen) {
                String payload = new String(r.value());
                assertThat(header(r, MessageHeaders.REPLY_TO)).isEqualTo(replyTopic);
                assertThat(header(r, MessageHeaders.REPLY_PARTITION)).isEqualTo(payload.startsWith("a-") ? "0" : "1");
            }
            // a reply carrying B's correlation id, wrongly put in A's partition, is not taken by A
            CompletableFuture<String> pendingB = b.request("b-pending", Duration.ofSeconds(60));
            ConsumerRecord<byte[], byte[]> bRequest = consume(requests, 1, Duration.ofSeconds(60)).get(0);
            RecordHeaders h = new RecordHeaders();
            h.add(MessageHeaders.CORRELATION_ID, utf8(header(bRequest, MessageHeaders.CORRELATION_ID)));
            raw.send(new ProducerRecord<>(replyTopic, 0, (byte[]) null, utf8("misrouted"), h)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> dropped(regA, "unknown") == 1);
            assertThat(pendingB.get(60, TimeUnit.SECONDS)).as("B still gets its real reply").isEqualTo("b-pending");
            assertThat(a.pendingCount()).isZero();
            assertThat(b.pendingCount()).isZero();
            assertThat(dropped(regB, "unknown") + dropped(regB, "late") + dropped(regB, "duplicate")).isZero();
        }
    }
}
