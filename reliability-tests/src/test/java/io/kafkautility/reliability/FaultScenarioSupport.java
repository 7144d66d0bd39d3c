package io.kafkautility.reliability;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerClosedException;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendResult;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.LogDrainer;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Shared pieces of the library fault scenarios (LibraryBrokerFaultIT, LibraryNetworkFaultIT, DeadLetterUnavailableIT):
 * events whose envelope id is the ledger id, a {@link Load} that sends through the library's {@link MessageProducer}
 * and classifies every outcome from the library's own typed exceptions, a library {@link MessageConsumer} that records
 * each delivery by envelope id, and the final "wait until everything acked was consumed, print the RELIABILITY line".
 */
final class FaultScenarioSupport {

    /** Messages per scenario. */
    static final int MESSAGES = Integer.getInteger("reliability.messages", 20_000);
    static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultScenarioSupport() {
    }

    static KafkaConnectionOptions connection(String bootstrap, String clientId) {
        return KafkaConnectionOptions.builder().bootstrapServers(bootstrap).clientId(clientId).build();
    }

    /**
     * Producer options for fault tests: short Kafka timeouts so a fault shows within seconds, the library's safe retry
     * on (also while the breaker is open, so an outage paces the load instead of burning ids), small breaker window.
     */
    static ProducerOptions.Builder producerOptions(KafkaConnectionOptions connection) {
        return ProducerOptions.builder(connection)
                .maxBlock(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(2))
                .deliveryTimeout(Duration.ofSeconds(8))
                .slidingWindowSize(10).minimumCalls(5).openDuration(Duration.ofSeconds(2)).halfOpenCalls(2)
                .maxAttempts(4).backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1))
                .retryOnCircuitOpen(true)
                .closeTimeout(Duration.ofSeconds(5));
    }

    /**
     * A valid rag.document.deleted event whose envelope id (the stable message id) is {@code id}, about the logical
     * {@code documentId} (chosen independently of the id, so a re-send under a new id would show as the same
     * document under two ids).
     */
    static Envelope event(String id, String documentId) {
        ObjectNode data = JSON.createObjectNode().put("documentId", documentId)
                .put("deletedAt", "2026-11-22T10:00:00Z");
        return Envelope.builder().id(id).messageType(MessageTypes.DOCUMENT_DELETED).source("reliability-tests")
                .data(data).build();
    }

    /** Consumer options recording every delivery in the ledger by envelope id. */
    static ConsumerOptions.Builder consumerOptions(KafkaConnectionOptions connection, KafkaClientPool pool,
            String group, String topic, Deliveries deliveries) {
        return ConsumerOptions.builder(connection, group, topic).pool(pool)
                .closeTimeout(Duration.ofSeconds(5))
                .handler(MessageTypes.DOCUMENT_DELETED, deliveries.handler());
    }

    /**
     * Waits until every acked id was consumed (and the consumer is still running), then computes, prints and returns
     * the report, asserting lost == 0 and unexpected == 0.
     */
    static ReliabilityReport awaitConsumedAndCheck(ReliabilityLedger ledger, MessageConsumer consumer) {
        try {
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.ackedNotConsumed() == 0);
        } catch (ConditionTimeoutException e) {
            ReliabilityReport report = ledger.check();
            System.out.println(report.line());
            throw new AssertionError("acked ids still not consumed after " + DEADLINE + ": " + report.line(), e);
        }
        if (!consumer.isRunning()) {
            throw new AssertionError("the consumer stopped running during " + ledger.testName());
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        return report.assertNothingLost();
    }

    /**
     * One scenario: a library consumer (own group) and a library producer load of {@link #MESSAGES} events on a new
     * 3-partition topic, both through {@code bootstrap}; {@code fault} injects and heals its fault while they run;
     * then every send must complete, every acked id must be consumed, nothing unexpected consumed, and every failure
     * must be one of the library's typed exceptions. Prints the RELIABILITY line.
     */
    static ReliabilityReport run(String name, KafkaCluster admin, String bootstrap, Consumer<Scenario> fault) {
        return run(name, admin, bootstrap, UnaryOperator.identity(), fault);
    }

    /** {@link #run(String, KafkaCluster, String, Consumer)} with the producer options changed by {@code tweak}. */
    static ReliabilityReport run(String name, KafkaCluster admin, String bootstrap,
            UnaryOperator<ProducerOptions.Builder> tweak, Consumer<Scenario> fault) {
        return run(name, admin, bootstrap, tweak, MESSAGES, fault);
    }

    /**
     * The same with a load of {@code limit} sends; {@link Integer#MAX_VALUE} sends until the fault action calls
     * {@link Load#stopSending()} (for a fault that must hit a stream still running however fast the machine is).
     */
    static ReliabilityReport run(String name, KafkaCluster admin, String bootstrap,
            UnaryOperator<ProducerOptions.Builder> tweak, int limit, Consumer<Scenario> fault) {
        String topic = TopicNames.unique(name);
        admin.createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Deliveries deliveries = new Deliveries(ledger);
        KafkaConnectionOptions conn = connection(bootstrap, name);
        ReliabilityReport report;
        try (KafkaClientPool pool = KafkaClientPool.builder().name(name).build();
                MessageProducer producer = pool.newProducer(tweak.apply(producerOptions(conn)).build());
                MessageConsumer consumer = MessageConsumer.create(consumerOptions(conn, pool,
                        TopicNames.unique("group"), topic, deliveries).build()).start();
                Load load = Load.start(ledger, producer, topic, limit)) {
            fault.accept(new Scenario(topic, ledger, load, producer, deliveries));
            load.awaitDone(DEADLINE);
            report = awaitConsumedAndCheck(ledger, consumer);
            assertTyped(name, load);
        }
        if (report.pending() != 0) {
            throw new AssertionError("every send future must complete: " + report.line());
        }
        return report;
    }

    static void assertTyped(String name, Load load) {
        System.out.printf("%s: failures by kind %s; acks after a library retry %d%n", name, load.failures(),
                load.retriedAcks());
        load.failures().keySet().stream().filter(k -> k.startsWith("UNTYPED")).findAny().ifPresent(k -> {
            throw new AssertionError(name + ": a send failed with an untyped error " + k + ": " + load.failures());
        });
    }

    /** What a fault action can see and wait for while the load and the consumer run. */
    record Scenario(String topic, ReliabilityLedger ledger, Load load, MessageProducer producer, Deliveries deliveries) {
        /** Waits until the load ran into the fault: some send completed without an ack after {@code before}. */
        void awaitFaultSeen(long notAckedBefore) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> load.notAcked() > notAckedBefore);
        }

        /** Waits until at least {@code n} sends were acked. */
        void awaitAcked(long n) {
            try {
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> load.acked() >= n);
            } catch (ConditionTimeoutException e) {
                System.out.println(ledger.testName() + ": stalled waiting for " + n + " acks: " + load.state()
                        + "; " + ledger.check().line() + "; breaker " + producer.circuitState());
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    System.out.println("thread \"" + t.getName() + "\" " + t.getState());
                    for (StackTraceElement f : stack) {
                        System.out.println("    at " + f);
                    }
                });
                throw e;
            }
        }
    }

    /**
     * Reads {@code topic} from the start with a plain Kafka consumer (not through any proxy) and returns how many
     * records repeat a message id ({@link MessageHeaders#MESSAGE_ID}) already in the log: copies written by the
     * producer side, as opposed to a consumer's redeliveries.
     */
    static long logDuplicates(KafkaCluster cluster, String topic) {
        Map<String, Object> props = new HashMap<>(cluster.clientProperties());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        Set<String> ids = new HashSet<>();
        long records;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            records = LogDrainer.drain(consumer, topic, DEADLINE, r -> ids.add(new String(
                    r.headers().lastHeader(MessageHeaders.MESSAGE_ID).value(), StandardCharsets.UTF_8)));
        }
        return records - ids.size();
    }

    /** The group's committed offset of each partition of {@code topic} (partitions it never committed are absent). */
    static Map<Integer, Long> committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<Integer, Long> byPartition = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
                byPartition.put(tp.partition(), om.offset());
            }
        });
        return byPartition;
    }

    /** The end (latest) offset of each of the {@code partitions} partitions of {@code topic}. */
    static Map<Integer, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** Records deliveries by envelope id (ledger) and which ids carried each logical document. */
    static final class Deliveries {
        private final ReliabilityLedger ledger;
        private final Map<String, Set<String>> idsByDocument = new ConcurrentHashMap<>();

        Deliveries(ReliabilityLedger ledger) {
            this.ledger = ledger;
        }

        MessageHandler handler() {
            return (message, context) -> record(message);
        }

        void record(Envelope message) {
            ledger.consumed(message.id());
            idsByDocument.computeIfAbsent(message.data().get("documentId").asText(), k -> ConcurrentHashMap.newKeySet())
                    .add(message.id());
        }

        /** Logical documents delivered under more than one message id (what a blind re-send would produce). */
        long documentsUnderSeveralIds() {
            return idsByDocument.values().stream().mapToLong(ids -> ids.size() - 1L).sum();
        }
    }

    /**
     * Sends {@code limit} events through the library producer from one thread, at most {@code maxInFlight} outstanding,
     * never re-sending: each id is sent once and its outcome is taken from the library's typed result. The library's
     * own classification decides: ack; {@link CircuitOpenException}, {@link ProducerClosedException} or a
     * {@link SendException} that is {@code NOT_SENT} or {@code REJECTED} = failed (must never be consumed); a
     * {@code SendException} that is {@code AMBIGUOUS} = ambiguous. Anything else (an untyped error) is counted
     * separately so the test can fail on it.
     */
    static final class Load implements AutoCloseable {
        private final ReliabilityLedger ledger;
        private final Function<String, CompletableFuture<SendResult>> send;
        private final int limit;
        private final Semaphore inFlight;
        private final int maxInFlight;
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong issued = new AtomicLong();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong notAcked = new AtomicLong();
        private final AtomicLong retriedAcks = new AtomicLong();
        private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        private Load(ReliabilityLedger ledger, Function<String, CompletableFuture<SendResult>> send, int limit,
                int maxInFlight) {
            this.ledger = ledger;
            this.send = send;
            this.limit = limit;
            this.maxInFlight = maxInFlight;
            this.inFlight = new Semaphore(maxInFlight);
            this.thread = new Thread(this::run, "load-" + ledger.testName());
            this.thread.setDaemon(true);
        }

        /** {@link #MESSAGES} events through {@code producer}, each about its own document, 500 in flight. */
        static Load start(ReliabilityLedger ledger, MessageProducer producer, String topic) {
            return start(ledger, producer, topic, MESSAGES);
        }

        /** {@code limit} events through {@code producer}, each about its own document, 500 in flight. */
        static Load start(ReliabilityLedger ledger, MessageProducer producer, String topic, int limit) {
            AtomicLong documents = new AtomicLong();
            return start(ledger, limit, 500, id -> producer.send(topic, id,
                    event(id, "doc-" + topic + "-" + documents.incrementAndGet())));
        }

        /** {@code limit} sends of ids from the ledger through {@code send} (id to the library's send future). */
        static Load start(ReliabilityLedger ledger, int limit, int maxInFlight,
                Function<String, CompletableFuture<SendResult>> send) {
            Load load = new Load(ledger, send, limit, maxInFlight);
            load.thread.start();
            return load;
        }

        private void run() {
            for (int i = 0; i < limit && running; i++) {
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                String id = ledger.nextId();
                ledger.sent(id);
                issued.incrementAndGet();
                CompletableFuture<?> f;
                try {
                    f = send.apply(id).thenAccept(r -> {
                        if (r.attempts() > 1) {
                            retriedAcks.incrementAndGet();
                        }
                    });
                } catch (RuntimeException e) { // the library promises never to throw here: count it as untyped
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((r, e) -> complete(id, e));
            }
        }

        private void complete(String id, Throwable error) {
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (e == null) {
                ledger.acked(id);
                acked.incrementAndGet();
            } else {
                notAcked.incrementAndGet();
                String kind;
                if (e instanceof SendException se) {
                    kind = "SendException." + se.deliveryState() + "." + se.reason();
                    if (se.deliveryState() == DeliveryState.AMBIGUOUS) {
                        ledger.ambiguous(id);
                    } else {
                        ledger.failed(id);
                    }
                } else if (e instanceof CircuitOpenException || e instanceof ProducerClosedException) {
                    kind = e.getClass().getSimpleName();
                    ledger.failed(id);
                } else {
                    kind = "UNTYPED." + e.getClass().getName();
                    ledger.ambiguous(id);
                }
                failures.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            }
            completed.incrementAndGet();
            inFlight.release();
        }

        long acked() {
            return acked.get();
        }

        /** Counters for a diagnosis. */
        String state() {
            return "issued=" + issued.get() + " completed=" + completed.get() + " acked=" + acked.get() + " notAcked="
                    + notAcked.get() + " inFlight=" + (maxInFlight - inFlight.availablePermits()) + " failures="
                    + failures();
        }

        /** Sends completed with an error (failed or ambiguous) so far. */
        long notAcked() {
            return notAcked.get();
        }

        /** Acks that needed more than one library attempt (only ever after a failure that was certainly not sent). */
        long retriedAcks() {
            return retriedAcks.get();
        }

        /** Failure counts by kind (exception, delivery state, reason). */
        Map<String, Long> failures() {
            Map<String, Long> m = new TreeMap<>();
            failures.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        /** Ends an unbounded load: no send is issued after this; those issued still complete. */
        void stopSending() {
            running = false;
        }

        /** Waits until the load stopped issuing (all {@code limit} sent, or stopped) and every send completed. */
        void awaitDone(Duration timeout) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> !thread.isAlive() && completed.get() == issued.get());
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
                // every issued send must still complete (no future is left hanging)
                if (!inFlight.tryAcquire(maxInFlight, DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError(ledger.testName() + ": sends still outstanding after " + DEADLINE);
                }
                inFlight.release(maxInFlight);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
