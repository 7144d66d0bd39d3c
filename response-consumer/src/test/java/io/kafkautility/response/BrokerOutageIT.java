package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Every broker goes away and comes back while replies are being produced: the response consumer keeps running and every
 * acknowledged reply reaches its session exactly once.
 */
@KafkaTest(brokers = 2)
class BrokerOutageIT {

    @Test
    void everyAcknowledgedReplyIsDeliveredAcrossAnOutageOfAllBrokers(EmbeddedKafkaCluster cluster) {
        int perPhase = 100;
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b.questionTimeout(Duration.ofMinutes(5)),
                b -> b.retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            List<TestConnection> sessions = new ArrayList<>();
            for (int i = 0; i < 3 * perPhase; i++) {
                TestConnection c = f.open("o-" + i);
                assertThat(f.manager.beginQuestion(c.id(), "q")).isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
                sessions.add(c);
            }
            List<CompletableFuture<?>> acks = new ArrayList<>();
            long t0 = System.nanoTime();
            produce(f, sessions.subList(0, perPhase), acks);
            for (int id : cluster.brokerIds()) {
                cluster.shutdownBroker(id);
            }
            // produced during the outage from another thread, as an application would: send() may block for
            // metadata (max.block.ms) until the brokers are back
            List<CompletableFuture<?>> duringAcks = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread during = new Thread(() -> produce(f, sessions.subList(perPhase, 2 * perPhase), duringAcks),
                    "produce-during-outage");
            during.start();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(f.consumer::isRunning);
            for (int id : cluster.brokerIds()) {
                cluster.startBroker(id);
            }
            long outageMs = (System.nanoTime() - t0) / 1_000_000;
            try {
                during.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(during.isAlive()).as("producing during the outage finished").isFalse();
            acks.addAll(duringAcks);
            produce(f, sessions.subList(2 * perPhase, 3 * perPhase), acks);
            int acked = 0;
            int failed = 0;
            for (CompletableFuture<?> ack : acks) {
                try {
                    ack.get(120, TimeUnit.SECONDS);
                    acked++;
                } catch (Exception e) {
                    failed++;
                }
            }
            int expected = acked;
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    sessions.stream().filter(c -> !c.answers().isEmpty()).count() >= expected);
            long delivered = sessions.stream().filter(c -> !c.answers().isEmpty()).count();
            long duplicates = sessions.stream().mapToLong(c -> Math.max(0, c.answers().size() - 1)).sum();
            long lost = acked - delivered;
            double redelivered = f.count(MetricNames.RESPONSE_DROPPED, MetricNames.TAG_REASON, "stale");
            System.out.printf("RELIABILITY BrokerOutageIT produced=%d acked=%d ambiguous=%d consumed=%d lost=%d "
                    + "duplicates=%d (redelivered records dropped as stale: %.0f; outage %d ms)%n",
                    acks.size(), acked, failed, delivered, lost, duplicates, redelivered, outageMs);
            assertThat(lost).isZero();
            assertThat(duplicates).isZero();
            assertThat(failed).isZero();
            assertThat(f.consumer.isRunning()).isTrue();
        }
    }

    private static void produce(ReplyFixture f, List<TestConnection> sessions, List<CompletableFuture<?>> acks) {
        for (TestConnection c : sessions) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            try {
                f.producer.send(new ProducerRecord<>(f.topic, c.id(), f.encode(ReplyFixture.response(c.id(), "q"))),
                    (md, e) -> {
                        if (e == null) {
                            ack.complete(null);
                        } else {
                            ack.completeExceptionally(e);
                        }
                    });
            } catch (RuntimeException e) {
                ack.completeExceptionally(e);
            }
        }
    }
}
