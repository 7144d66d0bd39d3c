package io.kafkautility.reliability;

import static io.kafkautility.reliability.FaultScenarioSupport.DEADLINE;
import static io.kafkautility.reliability.FaultScenarioSupport.awaitConsumedAndCheck;
import static io.kafkautility.reliability.FaultScenarioSupport.connection;
import static io.kafkautility.reliability.FaultScenarioSupport.consumerOptions;
import static io.kafkautility.reliability.FaultScenarioSupport.event;
import static io.kafkautility.reliability.FaultScenarioSupport.producerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestHandler;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.fault.TcpFaultProxy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code chaos} profile's soak ({@code mvn -B -Pchaos verify -pl reliability-tests -am}): for
 * {@code -Dchaos.duration} (default 10 minutes) a seeded random schedule ({@code -Dchaos.seed}) of broker kills,
 * pauses past the request timeout, network blackholes and connection-reset storms hits one broker process behind a
 * {@link TcpFaultProxy}, while the library's producer sends a paced stream, its consumer reads it and a request-reply
 * client talks to a responder. Every fault waits for recovery (new acks) before the next. At the end nothing acked is
 * lost, every send and request future completed, and heap, threads, file descriptors and the request-reply pending
 * map are back near the baseline taken after warm-up. Not part of the default build (see the module's pom).
 */
class ChaosSoakIT {

    private enum Fault { KILL_AND_RESTART, PAUSE, BLACKHOLE, RESET_STORM }

    private static final int RATE_PER_SECOND = Integer.getInteger("chaos.rate", 400);

    @Test
    void seededFaultScheduleLosesNothingAndLeaksNothing() throws Exception {
        long seed = Long.getLong("chaos.seed", 20261122L);
        Duration duration = Duration.parse(System.getProperty("chaos.duration", "PT10M"));
        Random random = new Random(seed);
        System.out.printf("[chaos] seed=%d duration=%s rate=%d/s%n", seed, duration, RATE_PER_SECOND);
        ReliabilityLedger ledger = ReliabilityLedger.create("chaos-soak");
        FaultScenarioSupport.Deliveries deliveries = new FaultScenarioSupport.Deliveries(ledger);
        Map<Fault, Integer> injected = new ConcurrentHashMap<>();
        AtomicLong requestsOk = new AtomicLong();
        AtomicLong requestsFailed = new AtomicLong();
        try (TcpFaultProxy proxy = TcpFaultProxy.start();
             KafkaBrokerProcess broker = KafkaBrokerProcess.create(BrokerProcessOptions.builder()
                     .advertisedListener(proxy.address()).build())) {
            proxy.target(broker.clientAddress());
            broker.start();
            String topic = TopicNames.unique("chaos");
            String requests = TopicNames.unique("chaos-requests");
            broker.createTopic(topic, 3, (short) 1);
            broker.createTopic(requests, 1, (short) 1);
            KafkaConnectionOptions conn = connection(proxy.address(), "chaos");
            Map<String, Object> rrProps = Map.of("bootstrap.servers", proxy.address());
            try (KafkaClientPool pool = KafkaClientPool.builder().name("chaos").build();
                 MessageProducer producer = pool.newProducer(producerOptions(conn).build());
                 MessageConsumer consumer = MessageConsumer.create(consumerOptions(conn, pool,
                         TopicNames.unique("group"), topic, deliveries).build()).start();
                 Responder<String, String> responder = Responder.create(ResponderOptions.builder(requests,
                         TopicNames.unique("responders"), PayloadCodec.utf8(), PayloadCodec.utf8())
                         .kafkaProperties(rrProps).name("chaos-responder").build(), RequestHandler.sync(s -> s));
                 RequestReplyClient<String, String> client = RequestReplyClient.create(RequestReplyOptions.builder(
                         requests, PayloadCodec.utf8(), PayloadCodec.utf8()).kafkaProperties(rrProps)
                         .clientName("chaos-client").build());
                 FaultScenarioSupport.Load load = paced(ledger, producer, topic)) {
                client.ready().get(60, TimeUnit.SECONDS);
                Thread requester = requester(client, requestsOk, requestsFailed);
                Resources baseline;
                try {
                    awaitProgress(load, 5_000, Duration.ZERO);
                    baseline = Resources.measure(client);
                    System.out.println("[chaos] baseline " + baseline);
                    long end = System.nanoTime() + duration.toNanos();
                    while (System.nanoTime() < end) {
                        // healthy for 10-30 s and until the stream made progress again
                        awaitProgress(load, 2_000, Duration.ofSeconds(10 + random.nextInt(21)));
                        Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                        Duration length = Duration.ofSeconds(5 + random.nextInt(11));
                        System.out.printf("[chaos] t=%ds %s %s acked=%d%n", (duration.toNanos() - (end
                                - System.nanoTime())) / 1_000_000_000L, fault, length, load.acked());
                        injected.merge(fault, 1, Integer::sum);
                        inject(fault, length, broker, proxy, ledger);
                    }
                    awaitProgress(load, 2_000, Duration.ZERO);
                } finally {
                    requester.interrupt();
                    requester.join(TimeUnit.SECONDS.toMillis(30));
                }
                load.close(); // stops sending; every issued send must complete
                ReliabilityReport report = awaitConsumedAndCheck(ledger, consumer);
                FaultScenarioSupport.assertTyped("chaos-soak", load);
                await().atMost(DEADLINE).until(() -> client.pendingCount() == 0);
                Resources after = Resources.measure(client);
                System.out.printf("[chaos] faults %s; requests ok=%d failed=%d; after %s%n", injected,
                        requestsOk.get(), requestsFailed.get(), after);
                assertThat(report.pending()).as("every send future completed").isZero();
                assertThat(injected.values().stream().mapToInt(Integer::intValue).sum()).isPositive();
                assertThat(requestsOk.get()).as("request-reply worked between faults").isPositive();
                assertThat(after.pending).as("request-reply pending map").isZero();
                assertThat(after.threads).as("threads back to baseline").isLessThanOrEqualTo(baseline.threads + 3);
                assertThat(after.fds).as("file descriptors back to baseline").isLessThanOrEqualTo(baseline.fds + 16);
                // the ledger itself keeps every id (a few hundred bytes each): allow for it, nothing else
                long allowance = (64L << 20) + report.produced() * 512L;
                assertThat(after.heapBytes - baseline.heapBytes).as("heap growth").isLessThanOrEqualTo(allowance);
            }
        }
    }

    /** An endless load paced at {@link #RATE_PER_SECOND}, so the ledger stays small over minutes. */
    private static FaultScenarioSupport.Load paced(ReliabilityLedger ledger, MessageProducer producer, String topic) {
        long interval = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SECOND;
        AtomicLong next = new AtomicLong(System.nanoTime());
        AtomicLong documents = new AtomicLong();
        return FaultScenarioSupport.Load.start(ledger, Integer.MAX_VALUE, 200, id -> {
            long wait = next.addAndGet(interval) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing of the load generator, not a wait for a condition
            } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                next.set(System.nanoTime()); // after an outage: no burst to catch up
            }
            return producer.send(topic, id, event(id, "doc-" + documents.incrementAndGet()));
        });
    }

    /** Ten requests a second, each with a 5 s timeout; counts what came back and what failed (typed). */
    private static Thread requester(RequestReplyClient<String, String> client, AtomicLong ok, AtomicLong failed) {
        Thread t = new Thread(() -> {
            long i = 0;
            while (!Thread.currentThread().isInterrupted()) {
                String payload = "ping-" + i++;
                CompletableFuture<String> f = client.request(payload, Duration.ofSeconds(5));
                try {
                    String reply = f.get(30, TimeUnit.SECONDS); // the client completes it within its timeout
                    if (payload.equals(reply)) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing
            }
        }, "chaos-requester");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void inject(Fault fault, Duration length, KafkaBrokerProcess broker, TcpFaultProxy proxy,
                               ReliabilityLedger ledger) {
        ledger.outageStarted();
        switch (fault) {
            case KILL_AND_RESTART -> {
                broker.kill();
                broker.start();
            }
            case PAUSE -> {
                broker.pause();
                hold(length);
                broker.resume();
            }
            case BLACKHOLE -> {
                proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
                hold(length);
                proxy.mode(TcpFaultProxy.Mode.PASS);
            }
            case RESET_STORM -> {
                for (int i = 0; i < 5; i++) {
                    proxy.resetConnections();
                    hold(Duration.ofSeconds(1));
                }
            }
        }
        ledger.outageEnded();
    }

    /** Keeps a fault in place for its scheduled length (the schedule is the point, there is no condition). */
    private static void hold(Duration length) {
        await().pollDelay(length).atMost(length.plusSeconds(5)).until(() -> true);
    }

    /** Waits at least {@code atLeast} and until {@code acks} more sends were acked (the stream recovered). */
    private static void awaitProgress(FaultScenarioSupport.Load load, long acks, Duration atLeast) {
        long target = load.acked() + acks;
        await().pollDelay(atLeast).atMost(atLeast.plus(DEADLINE)).pollInterval(Duration.ofMillis(200))
                .until(() -> load.acked() >= target);
    }

    /** Heap after GC, live threads, open file descriptors and request-reply pending entries. */
    private record Resources(long heapBytes, int threads, long fds, int pending) {
        static Resources measure(RequestReplyClient<?, ?> client) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            } catch (IOException e) {
                fds = -1;
            }
            return new Resources(heap, threads, fds, client.pendingCount());
        }

        @Override
        public String toString() {
            return String.format("heap=%d MiB threads=%d fds=%d pending=%d", heapBytes >> 20, threads, fds, pending);
        }
    }
}
