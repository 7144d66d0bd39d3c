package io.kafkautility.reliability;

import static io.kafkautility.reliability.CrashScenarioSupport.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendResult;
import io.kafkautility.reliability.CrashScenarioSupport.LibraryProducer;
import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ContinuousSender;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Three brokers, replication factor 3, min.insync.replicas=2, driven by the library producer (acks=all, idempotent)
 * and consumer: one broker down mid-stream loses nothing; two down makes sends fail clearly within the delivery
 * timeout; after both return, sending recovers.
 */
@KafkaTest(brokers = 3, brokerProperties = "min.insync.replicas=2")
class ReplicatedClusterLibraryIT {

    private static final int STREAM = 20_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(8);
    private static final int PROBES = 30;

    @Test
    void oneBrokerDownLosesNothingTwoDownFailsClearlyThenRecovers(EmbeddedKafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("rf3-lib");
        cluster.createTopics(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")));
        List<Integer> brokers = new ArrayList<>(cluster.brokerIds());
        ReliabilityLedger ledger = ReliabilityLedger.create("library-rf3-one-then-two-brokers-down");
        try (LibraryProducer producer = new LibraryProducer(cluster.bootstrapServers(), b -> b
                .requestTimeout(REQUEST_TIMEOUT).deliveryTimeout(DELIVERY_TIMEOUT)
                .openDuration(Duration.ofSeconds(2)));
                MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(producer.connection,
                                TopicNames.unique("rf3-group"), topic).pool(producer.pool)
                        .handler(CrashScenarioSupport.TYPE, (m, ctx) -> ledger.consumed(CrashScenarioSupport.idOf(m)))
                        .build()).start()) {

            // 1. one broker down mid-stream and back; the stream runs until 20,000+ are acked and the broker is back
            try (ContinuousSender stream = ContinuousSender.start(ledger, 500, id -> producer.send(topic, id))) {
                await().atMost(DEADLINE).until(() -> ledger.check().acked() >= 3_000);
                cluster.shutdownBroker(brokers.get(0));
                long afterOne = ledger.check().acked();
                System.out.println("broker " + brokers.get(0) + " down after " + afterOne + " acks");
                await().atMost(DEADLINE).until(() -> ledger.check().acked() >= afterOne + 4_000);
                cluster.startBroker(brokers.get(0));
                long back = ledger.check().acked();
                System.out.println("broker " + brokers.get(0) + " back after " + back + " acks");
                await().atMost(DEADLINE).until(() -> ledger.check().acked() >= Math.max(STREAM, back + 2_000));
                assertThat(stream.stop(DEADLINE)).isTrue();
            }
            await().atMost(DEADLINE).until(() -> ledger.ackedNotConsumed() == 0);
            ReliabilityReport oneDown = ledger.check();
            System.out.println("after one broker down and back: " + oneDown.line());
            oneDown.assertNothingLost();
            assertThat(oneDown.acked()).isGreaterThanOrEqualTo(STREAM);

            // 2. two brokers down: below min.insync.replicas every acks=all send must fail, clearly and in time
            cluster.shutdownBroker(brokers.get(1));
            cluster.shutdownBroker(brokers.get(2));
            ledger.outageStarted();
            long t0 = System.nanoTime();
            List<Throwable> failures = new ArrayList<>();
            failures.addAll(sendExpectingFailure(producer, topic, ledger, PROBES, t0));
            // a second wave after the first failed: by now the breaker may be open
            failures.addAll(sendExpectingFailure(producer, topic, ledger, 5, System.nanoTime()));
            Set<String> distinct = new LinkedHashSet<>();
            failures.forEach(t -> distinct.add(t.getClass().getName() + " / reason="
                    + ((SendException) t).reason() + " / cause=" + (t.getCause() == null ? null
                    : t.getCause().getClass().getName())));
            System.out.println("two brokers down, distinct failures: " + distinct);
            assertThat(failures).as("at least one failure names NotEnoughReplicas or a timeout naming the partition")
                    .anyMatch(t -> namesNotEnoughReplicas(t) || namesPartitionTimeout(t, topic));
            assertThat(failures).as("an expired batch says what Kafka was retrying")
                    .filteredOn(t -> namesPartitionTimeout(t, topic))
                    .allMatch(t -> t.getMessage().contains("min.insync.replicas"));

            // 3. both back: sending recovers, new sends are acked and consumed
            cluster.startBroker(brokers.get(1));
            cluster.startBroker(brokers.get(2));
            ledger.outageEnded();
            await().atMost(DEADLINE).until(() -> {
                String id = ledger.nextId();
                ledger.sent(id);
                Throwable error = null;
                try {
                    producer.send(topic, id).get(DELIVERY_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    error = e.getCause();
                }
                CrashScenarioSupport.record(ledger, id, error);
                return error == null;
            });
            producer.produce(topic, ledger, 2_000);
            await().atMost(DEADLINE).until(() -> ledger.ackedNotConsumed() == 0);
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.acked()).isGreaterThanOrEqualTo(STREAM + 2_000L);
    }

    /** Sends {@code count} probes at once; each must fail with a SendException within the delivery timeout. */
    private static List<Throwable> sendExpectingFailure(LibraryProducer producer, String topic,
            ReliabilityLedger ledger, int count, long t0) throws Exception {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = ledger.nextId();
            ledger.sent(id);
            ids.add(id);
            futures.add(producer.send(topic, id));
        }
        List<Throwable> failures = new ArrayList<>();
        Set<String> printed = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Throwable error = null;
            try {
                futures.get(i).get(DELIVERY_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                error = CrashScenarioSupport.unwrap(e);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            CrashScenarioSupport.record(ledger, ids.get(i), error);
            assertThat(error).as("send %d with two of three brokers down (after %d ms)", i, ms)
                    .isInstanceOf(SendException.class);
            assertThat(ms).as("failed within the delivery timeout (plus slack for a busy machine)")
                    .isLessThan(DELIVERY_TIMEOUT.plusSeconds(20).toMillis());
            if (printed.add(error.getClass().getName() + ((SendException) error).reason())) {
                System.out.println("two brokers down, send " + i + " failed after " + ms + " ms: "
                        + describeChain(error));
            }
            failures.add(error);
        }
        return failures;
    }

    private static boolean namesNotEnoughReplicas(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof NotEnoughReplicasException || e instanceof NotEnoughReplicasAfterAppendException
                    || String.valueOf(e.getMessage()).contains("NotEnoughReplicas")) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesPartitionTimeout(Throwable t, String topic) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof TimeoutException && String.valueOf(e.getMessage()).matches("(?s).*" + topic + "-\\d+.*")) {
                return true;
            }
        }
        return false;
    }

    private static String describeChain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable e = t; e != null; e = e.getCause()) {
            b.append(b.length() == 0 ? "" : " <- caused by ").append(e.getClass().getName()).append(": ")
                    .append(e.getMessage());
        }
        return b.toString();
    }
}
