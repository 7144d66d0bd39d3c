package io.kafkautility.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.producer.TestMessages;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.LogDrainer;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.kafkautility.testkit.junit.BrokerProcessExtension;

/** The producer while a real broker process is killed and restarted. */
class ProducerBrokerFaultIT {

    private static final MessageValidator VALIDATOR = MessageValidator.create();
    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private static KafkaBrokerProcess broker() {
        return BROKER.process();
    }

    private static KafkaConnectionOptions connection() {
        return KafkaConnectionOptions.builder().bootstrapServers(broker().bootstrapServers()).clientId("fault-it").build();
    }

    private static String readyTopic(String prefix, int partitions) {
        String topic = TopicNames.unique(prefix);
        broker().createTopic(topic, partitions, (short) 1);
        try (Admin admin = broker().admin()) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.listOffsets(specs).all().get(5, TimeUnit.SECONDS).size() == partitions);
        }
        return topic;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    void breakerOpensWhileBrokerIsDownFailsFastHalfOpensAndClosesAfterRestart() {
        String topic = readyTopic("breaker", 1);
        List<String> transitions = new CopyOnWriteArrayList<>();
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<CompletableFuture<SendResult>> all = new CopyOnWriteArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.builder().name("fault").validator(VALIDATOR).build()) {
            pool.metrics().bindTo(prometheus);
            ProducerOptions options = ProducerOptions.builder(connection())
                    .linger(Duration.ZERO).requestTimeout(Duration.ofSeconds(1)).deliveryTimeout(Duration.ofSeconds(2))
                    .maxBlock(Duration.ofSeconds(1)).slidingWindowSize(10).minimumCalls(5)
                    .openDuration(Duration.ofSeconds(3)).halfOpenCalls(2)
                    .listener((name, from, to) -> transitions.add(from + "->" + to)).build();
            MessageProducer producer = MessageProducer.create(pool, options);
            for (int i = 0; i < 20; i++) {
                producer.send(topic, TestMessages.valid("before-" + i)).join();
            }

            broker().kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                all.add(producer.send(topic, TestMessages.valid("down")));
                return producer.circuitState() == CircuitState.OPEN;
            });
            long opened = System.nanoTime();
            System.out.printf("breaker opened %d ms after the broker was killed (delivery.timeout.ms=2000)%n", ms(opened - killed));

            // validation errors are still reported as such while open, and do not change the state
            CompletableFuture<SendResult> invalid = producer.send(topic, TestMessages.invalid());
            assertThat(invalid).isCompletedExceptionally();
            assertThat(invalid.handle((r, e) -> e.getClass()).join()).isEqualTo(MessageValidationException.class);

            long[] nanos = new long[1000];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                CompletableFuture<SendResult> f = producer.send(topic, TestMessages.valid("fast-" + i));
                // the rejection completes the future asynchronously; time send() until the failure is there
                Throwable failure = f.handle((r, e) -> e).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                nanos[i] = System.nanoTime() - t0;
                assertThat(failure).isInstanceOfSatisfying(CircuitOpenException.class,
                        e -> assertThat(e.breakerName()).isEqualTo(producer.breakerName()));
            }
            Arrays.sort(nanos);
            System.out.printf("while OPEN: send() to failure with CircuitOpenException: median %d us, p99 %d us, max %d us (1000 sends)%n",
                    nanos[500] / 1000, nanos[990] / 1000, nanos[999] / 1000);

            // broker still down: after openDuration the breaker lets probes through, they fail, it opens again
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                all.add(producer.send(topic, TestMessages.valid("probe-down")));
                return transitions.contains("HALF_OPEN->OPEN");
            });

            broker().start();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                all.add(producer.send(topic, TestMessages.valid("probe-up")));
                return producer.circuitState() == CircuitState.CLOSED;
            });
            System.out.printf("breaker closed %d ms after the broker restart completed; transitions %s%n",
                    ms(System.nanoTime() - restarted), transitions);
            for (int i = 0; i < 10; i++) {
                producer.send(topic, TestMessages.valid("after-" + i)).join();
            }
            assertThat(transitions).startsWith("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN")
                    .endsWith("OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
            await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(CompletableFuture::isDone));
            prometheus.scrape().lines().filter(l -> l.startsWith("kafka_utility_circuit")).forEach(System.out::println);
            assertThat(prometheus.scrape())
                    .contains("kafka_utility_circuit_transitions_total{breaker=\"" + producer.breakerName() + "\",state=\"open\"}")
                    .contains("kafka_utility_circuit_transitions_total{breaker=\"" + producer.breakerName() + "\",state=\"closed\"} 1.0");
            producer.close();
        }
    }

    @Test
    void closeWithTheBrokerDeadReturnsInBoundedTimeAndCompletesEveryFuture() {
        String topic = readyTopic("close", 1);
        KafkaClientPool pool = KafkaClientPool.builder().name("close").validator(VALIDATOR).build();
        MessageProducer producer = MessageProducer.create(pool, ProducerOptions.builder(connection())
                .closeTimeout(Duration.ofSeconds(2)).build());
        producer.send(topic, TestMessages.valid("first")).join();
        broker().kill();
        List<CompletableFuture<SendResult>> pending = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            pending.add(producer.send(topic, TestMessages.valid("pending-" + i)));
        }
        long t0 = System.nanoTime();
        pool.close();
        long closeMs = ms(System.nanoTime() - t0);
        await().atMost(Duration.ofSeconds(15)).until(() -> pending.stream().allMatch(CompletableFuture::isDone));
        long failed = pending.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        System.out.printf("pool.close() with the broker dead returned in %d ms (closeTimeout 2000 ms); %d of %d pending sends completed exceptionally%n",
                closeMs, failed, pending.size());
        assertThat(closeMs).as("close must be bounded by the close timeout").isLessThan(10_000);
        pending.forEach(f -> assertThat(f.handle((r, e) -> e).join()).isInstanceOfSatisfying(SendException.class,
                e -> assertThat(e.deliveryState()).isNotEqualTo(DeliveryState.REJECTED)));
        assertThat(producer.send(topic, TestMessages.valid("after-close")).handle((r, e) -> e).join())
                .isInstanceOf(ProducerClosedException.class);
    }

    @Test
    void brokerKilledAndRestartedMidStreamLosesNothing() {
        int total = Integer.getInteger("reliability.messages", 100_000);
        int killAt = total * 3 / 10;
        String topic = readyTopic("reliability", 3);
        ReliabilityLedger ledger = ReliabilityLedger.create("producer-broker-kill");
        Semaphore inFlight = new Semaphore(10_000);
        AtomicLong completed = new AtomicLong();
        AtomicLong sentCount = new AtomicLong();
        Map<String, AtomicLong> failures = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> restart = null;
        long start = System.nanoTime();
        try (KafkaClientPool pool = KafkaClientPool.builder().name("reliability").validator(VALIDATOR).build();
                MessageProducer producer = MessageProducer.create(pool, ProducerOptions.of(connection()))) {
            for (int i = 0; i < total; i++) {
                if (i == killAt) {
                    broker().kill();
                    ledger.outageStarted();
                    long before = sentCount.get();
                    restart = CompletableFuture.runAsync(() -> {
                        // restart once the producer has run into the in-flight limit or sent 15,000 more
                        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                                .until(() -> inFlight.availablePermits() == 0 || sentCount.get() - before >= 15_000);
                        broker().start();
                        ledger.outageEnded();
                    });
                }
                try {
                    assertThat(inFlight.tryAcquire(120, TimeUnit.SECONDS)).as("in-flight permit").isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                String id = ledger.nextId();
                Envelope envelope = Envelope.builder().id(id).messageType(MessageTypes.DOCUMENT_UPLOADED).source("fault-it")
                        .data(TestMessages.uploadedData("doc-" + i)).build();
                ledger.sent(id);
                sentCount.incrementAndGet();
                producer.send(topic, id, envelope).whenComplete((r, e) -> {
                    if (e == null) {
                        ledger.acked(id);
                    } else if (e instanceof SendException se && se.deliveryState() == DeliveryState.AMBIGUOUS) {
                        ledger.ambiguous(id);
                        failures.computeIfAbsent("AMBIGUOUS " + se.reason(), k -> new AtomicLong()).incrementAndGet();
                    } else {
                        ledger.failed(id);
                        failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                    completed.incrementAndGet();
                    inFlight.release();
                });
            }
            restart.join();
            await().atMost(Duration.ofSeconds(120)).until(() -> completed.get() == total);

            // after the restart the producer recovers by itself: probes until sends are acked and the breaker has
            // closed again, then a stream of 2,000 more that must all be acked
            java.util.function.Function<String, CompletableFuture<SendResult>> sendTracked = prefix -> {
                String id = ledger.nextId();
                ledger.sent(id);
                return producer.send(topic, id, Envelope.builder().id(id).messageType(MessageTypes.DOCUMENT_UPLOADED)
                        .source("fault-it").data(TestMessages.uploadedData(prefix + id)).build())
                        .whenComplete((r, e) -> {
                            if (e == null) {
                                ledger.acked(id);
                            } else if (e instanceof SendException se && se.deliveryState() == DeliveryState.AMBIGUOUS) {
                                ledger.ambiguous(id);
                            } else {
                                ledger.failed(id);
                            }
                        });
            };
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                CompletableFuture<SendResult> probe = sendTracked.apply("probe-");
                boolean acked = probe.handle((r, e) -> e == null).orTimeout(30, TimeUnit.SECONDS).join();
                return acked && producer.circuitState() == CircuitState.CLOSED;
            });
            List<CompletableFuture<SendResult>> afterRecovery = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                afterRecovery.add(sendTracked.apply("after-"));
            }
            CompletableFuture.allOf(afterRecovery.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                    .join();
            System.out.println("after the restart: 2,000 more sends all acked");
        }
        long produceMs = ms(System.nanoTime() - start);
        Map<String, Object> props = new HashMap<>(broker().clientProperties());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            LogDrainer.drain(consumer, topic, Duration.ofSeconds(120), r -> {
                Header h = r.headers().lastHeader(MessageHeaders.MESSAGE_ID);
                ledger.consumed(new String(h.value(), StandardCharsets.UTF_8));
            });
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        System.out.printf("produced %d messages in %d ms with one broker kill + restart; failures by kind: %s%n",
                total, produceMs, failures);
        report.assertNothingLost();
        report.assertNoDuplicates();
    }
}
