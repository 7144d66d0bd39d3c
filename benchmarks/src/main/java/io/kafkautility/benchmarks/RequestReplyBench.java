package io.kafkautility.benchmarks;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/** Request-reply round trips: kafka-utility's {@link RequestReplyClient} vs Spring Kafka's ReplyingKafkaTemplate. */
final class RequestReplyBench {

    /** A requester: send one request, complete with the reply. */
    interface Requester extends AutoCloseable {
        CompletableFuture<byte[]> request(byte[] payload);
    }

    private static final PayloadCodec<byte[]> BYTES = new PayloadCodec<>() {
        @Override
        public byte[] encode(byte[] value, String correlationId) {
            return value;
        }

        @Override
        public byte[] decode(byte[] data) {
            return data;
        }
    };

    private static final String OURS_NAME = "ours-rr";
    private static final String SPRING_NAME = "spring-rr";
    private static final String RAW_NAME = "raw-rr";
    private static final String SPRING_DEFAULTS_NAME = "springdefaults-rr";

    private final String bootstrap;

    RequestReplyBench(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    Requester ours(String requestTopic) throws Exception {
        RequestReplyClient<byte[], byte[]> client = RequestReplyClient.create(RequestReplyOptions
                .builder(requestTopic, BYTES, BYTES)
                .connection(KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build())
                .clientName(OURS_NAME)
                .defaultTimeout(Duration.ofSeconds(30))
                // the same reply-consumer setting as the Spring baseline below (the library's default is 10 ms)
                .kafkaProperties(Map.of("fetch.max.wait.ms", 1))
                .build());
        client.ready().get(60, TimeUnit.SECONDS);
        return new Requester() {
            @Override
            public CompletableFuture<byte[]> request(byte[] payload) {
                return client.request(payload);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    /**
     * Spring's ReplyingKafkaTemplate. {@code tuned}: tuned for replies (auto-commit, {@code fetch.max.wait.ms=1});
     * otherwise Spring's defaults (a commit after every poll of the reply container) with only {@code linger.ms=0},
     * which request-reply needs on any client.
     */
    Requester spring(String requestTopic, String replyTopic, boolean tuned) throws Exception {
        String name = tuned ? SPRING_NAME : SPRING_DEFAULTS_NAME;
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put("bootstrap.servers", bootstrap);
        producerProps.put("linger.ms", 0);
        producerProps.put("client.id", name + "-requests");
        var producerFactory = new DefaultKafkaProducerFactory<String, byte[]>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put("bootstrap.servers", bootstrap);
        consumerProps.put("group.id", "spring-replies-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "latest");
        if (tuned) {
            consumerProps.put("fetch.max.wait.ms", 1);
            // tuned as a Spring user would for replies: no synchronous commit round trip after every poll (a reply
            // needs no at-least-once: its requester is in memory), so the baseline is Spring at its best
            consumerProps.put("enable.auto.commit", true);
        }
        var consumerFactory = new DefaultKafkaConsumerFactory<String, byte[]>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer());
        ContainerProperties containerProps = new ContainerProperties(replyTopic);
        containerProps.setClientId(name + "-replies");
        var container = new KafkaMessageListenerContainer<>(consumerFactory, containerProps);
        container.setBeanName(name + "-replies");
        ReplyingKafkaTemplate<String, byte[], byte[]> template = new ReplyingKafkaTemplate<>(producerFactory,
                container);
        template.setDefaultReplyTimeout(Duration.ofSeconds(30));
        org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler timeouts =
                new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
        timeouts.setThreadNamePrefix(name + "-timeouts-");
        timeouts.initialize();
        template.setTaskScheduler(timeouts);
        template.setSharedReplyTopic(false);
        template.start();
        if (!template.waitForAssignment(Duration.ofSeconds(60))) {
            throw new IllegalStateException("Spring's reply container was not assigned");
        }
        return new Requester() {
            @Override
            public CompletableFuture<byte[]> request(byte[] payload) {
                return template.sendAndReceive(new ProducerRecord<>(requestTopic, payload))
                        .thenApply(reply -> reply.value());
            }

            @Override
            public void close() {
                template.stop();
                template.destroy();
                producerFactory.destroy();
                timeouts.shutdown();
            }
        };
    }

    /**
     * The least a requester on kafka-clients can do, as a floor for both libraries: one producer ({@code linger.ms=0}),
     * one consumer assigned to its reply topic, a poll thread completing futures from a map by correlation id. No
     * timeouts, no bound on pending requests, no error handling: not usable as it is, only a measure.
     */
    Requester raw(String requestTopic, String replyTopic) {
        var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of(
                "bootstrap.servers", bootstrap, "linger.ms", 0, "client.id", RAW_NAME + "-requests"),
                new ByteArraySerializer(), new ByteArraySerializer());
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", bootstrap, "fetch.max.wait.ms", 1, "client.id", RAW_NAME + "-replies"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var partition = new org.apache.kafka.common.TopicPartition(replyTopic, 0);
        consumer.assign(java.util.List.of(partition));
        consumer.seekToEnd(java.util.List.of(partition));
        consumer.position(partition);
        Map<String, CompletableFuture<byte[]>> pending = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        byte[] replyTo = replyTopic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Thread poller = new Thread(() -> {
            while (running.get()) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    var h = r.headers().lastHeader(io.kafkautility.MessageHeaders.CORRELATION_ID);
                    CompletableFuture<byte[]> f = h == null ? null
                            : pending.remove(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
                    if (f != null) {
                        f.complete(r.value());
                    }
                }
            }
            consumer.close();
        }, RAW_NAME + "-replies");
        poller.setDaemon(true);
        poller.start();
        return new Requester() {
            @Override
            public CompletableFuture<byte[]> request(byte[] payload) {
                String id = Long.toString(ids.incrementAndGet());
                CompletableFuture<byte[]> f = new CompletableFuture<>();
                pending.put(id, f);
                var record = new ProducerRecord<byte[], byte[]>(requestTopic, null, null, payload);
                record.headers().add(io.kafkautility.MessageHeaders.CORRELATION_ID,
                        id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                record.headers().add(io.kafkautility.MessageHeaders.REPLY_TO, replyTo);
                producer.send(record);
                return f;
            }

            @Override
            public void close() throws InterruptedException {
                running.set(false);
                poller.join(5000);
                producer.close();
            }
        };
    }

    /** Threads of Spring's requester with Spring's defaults. */
    static boolean springDefaultsThread(String name) {
        return name.startsWith(SPRING_DEFAULTS_NAME) || name.contains("| " + SPRING_DEFAULTS_NAME);
    }

    /** Threads of the raw kafka-clients requester. */
    static boolean rawThread(String name) {
        return name.startsWith(RAW_NAME) || name.contains("| " + RAW_NAME);
    }

    /** Sequential round-trip latencies in nanoseconds, after {@code warmup} unmeasured requests. */
    static long[] sequential(Requester requester, int warmup, int count, byte[] payload) throws Exception {
        for (int i = 0; i < warmup; i++) {
            requester.request(payload).get(30, TimeUnit.SECONDS);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            requester.request(payload).get(30, TimeUnit.SECONDS);
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    /**
     * One throughput run: requests per second; the CPU the whole process spent per request (broker, echo responder
     * and requester together); and the requester's own CPU per request: the caller's thread plus the requester's
     * threads (named by {@code requesterThreads}), which is the client library's cost apart from the shared broker;
     * and the 99th percentile of the requests' round trips, from the call to the future's completion.
     */
    record Throughput(double requestsPerSecond, double processCpuMicros, double requesterCpuMicros,
                      double p99Millis) {
    }

    /** Requests per second with {@code inFlight} outstanding, and the CPU spent on them. */
    static Throughput throughput(Requester requester, java.util.function.Predicate<String> requesterThreads,
                                 int inFlight, int count, byte[] payload) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        Map<Long, Long> threads0 = threadCpu(requesterThreads);
        long process0 = processCpuNanos();
        long t0 = System.nanoTime();
        long[] roundTrips = new long[count];
        for (int i = 0; i < count; i++) {
            permits.acquire();
            int n = i;
            long start = System.nanoTime();
            all[i] = requester.request(payload).whenComplete((r, e) -> {
                roundTrips[n] = System.nanoTime() - start;
                permits.release();
            });
        }
        CompletableFuture.allOf(all).get(120, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - t0;
        long process = processCpuNanos() - process0;
        long own = 0;
        for (Map.Entry<Long, Long> e : threadCpu(requesterThreads).entrySet()) {
            own += e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
        }
        // allOf completed after every whenComplete above ran: the array is fully written and visible here
        double p99 = Stats.percentile(Stats.nanosToMillis(roundTrips), 99);
        return new Throughput(count / (elapsed / 1e9), process / 1e3 / count, own / 1e3 / count, p99);
    }

    /**
     * kafka-utility's {@code Responder} echoing every request, with its defaults but the same
     * {@code fetch.max.wait.ms=1} as the Spring responder below.
     */
    AutoCloseable oursResponder(String requestTopic) throws Exception {
        io.kafkautility.requestreply.Responder<byte[], byte[]> responder = io.kafkautility.requestreply.Responder
                .create(io.kafkautility.requestreply.ResponderOptions.builder(requestTopic,
                                "ours-responders-" + UUID.randomUUID(), BYTES, BYTES)
                        .connection(KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build())
                        .name("ours-responder")
                        .kafkaProperties(Map.of("fetch.max.wait.ms", 1))
                        .build(), io.kafkautility.requestreply.RequestHandler.sync(request -> request));
        responder.ready().get(60, TimeUnit.SECONDS);
        return responder;
    }

    /**
     * The responder a Spring user writes: a listener container (what {@code @KafkaListener} runs, Spring's default
     * batch acknowledgement, {@code fetch.max.wait.ms=1}) whose listener answers through a {@code KafkaTemplate}
     * ({@code linger.ms=0}) to the topic and partition the request names, with its correlation id, as
     * {@code @SendTo} does.
     */
    AutoCloseable springResponder(String requestTopic) throws Exception {
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put("bootstrap.servers", bootstrap);
        producerProps.put("linger.ms", 0);
        producerProps.put("client.id", "spring-responder-replies");
        var producerFactory = new DefaultKafkaProducerFactory<byte[], byte[]>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer());
        var template = new org.springframework.kafka.core.KafkaTemplate<>(producerFactory);
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put("bootstrap.servers", bootstrap);
        consumerProps.put("group.id", "spring-responders-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "latest");
        consumerProps.put("fetch.max.wait.ms", 1);
        var consumerFactory = new DefaultKafkaConsumerFactory<byte[], byte[]>(consumerProps,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ContainerProperties containerProps = new ContainerProperties(requestTopic);
        containerProps.setClientId("spring-responder");
        containerProps.setMessageListener((org.springframework.kafka.listener.MessageListener<byte[], byte[]>) r -> {
            org.apache.kafka.common.header.Header topic = r.headers().lastHeader(
                    org.springframework.kafka.support.KafkaHeaders.REPLY_TOPIC);
            org.apache.kafka.common.header.Header partition = r.headers().lastHeader(
                    org.springframework.kafka.support.KafkaHeaders.REPLY_PARTITION);
            org.apache.kafka.common.header.Header correlation = r.headers().lastHeader(
                    org.springframework.kafka.support.KafkaHeaders.CORRELATION_ID);
            if (topic == null || correlation == null) {
                return;
            }
            ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(new String(topic.value(),
                    java.nio.charset.StandardCharsets.UTF_8), partition == null ? null
                    : java.nio.ByteBuffer.wrap(partition.value()).getInt(), null, r.value());
            reply.headers().add(org.springframework.kafka.support.KafkaHeaders.CORRELATION_ID, correlation.value());
            template.send(reply);
        });
        java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
        containerProps.setConsumerRebalanceListener(new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {
                if (!p.isEmpty()) {
                    assigned.countDown();
                }
            }
        });
        var container = new KafkaMessageListenerContainer<>(consumerFactory, containerProps);
        container.setBeanName("spring-responder");
        container.start();
        if (!assigned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Spring's responder was not assigned");
        }
        return () -> {
            container.stop();
            producerFactory.destroy();
        };
    }

    /**
     * Heap each pending request holds: {@code count} requests sent to a topic nobody answers, the heap after a full GC
     * measured before and after (every future still pending), then the client closed (each fails as closed).
     */
    static double bytesPerPendingRequest(String bootstrap, String requestTopic, int count) throws Exception {
        try (RequestReplyClient<byte[], byte[]> client = RequestReplyClient.create(RequestReplyOptions
                .builder(requestTopic, BYTES, BYTES)
                .connection(KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build())
                .clientName("pending-heap")
                .defaultTimeout(Duration.ofMinutes(10))
                .maxPendingRequests(count * 2)
                .build())) {
            client.ready().get(60, TimeUnit.SECONDS);
            byte[] payload = new byte[16];
            client.request(payload); // the first request's one-off allocations are not counted
            awaitEndOffset(bootstrap, requestTopic, 1);
            long before = usedAfterGc();
            List<CompletableFuture<byte[]>> pending = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                pending.add(client.request(payload));
            }
            awaitEndOffset(bootstrap, requestTopic, count + 1); // all sent: no request in the producer's buffers
            long after = usedAfterGc();
            long done = pending.stream().filter(CompletableFuture::isDone).count();
            if (done > 0) {
                throw new IllegalStateException(done + " requests finished without a responder");
            }
            // the caller's list of futures is not the client's: 100,000 references, 4 to 8 bytes each
            return (after - before) / (double) count - 8;
        }
    }

    private static void awaitEndOffset(String bootstrap, String topic, long offset) {
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
                "bootstrap.servers", bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (consumer.endOffsets(List.of(tp)).get(tp) < offset) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the requests did not all reach " + topic);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            }
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** CPU time of the calling thread and of every live thread whose name matches, by thread id. */
    private static Map<Long, Long> threadCpu(java.util.function.Predicate<String> names) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        long self = Thread.currentThread().getId();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && (info.getThreadId() == self || names.test(info.getThreadName()))) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    cpu.put(info.getThreadId(), t);
                }
            }
        }
        return cpu;
    }

    /** CPU time of this whole process, or -1 where the JVM does not tell. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Threads of kafka-utility's requester: its reply listener, timer and request producer. */
    static boolean oursThread(String name) {
        return name.startsWith("ku-rr-") || name.contains("| " + OURS_NAME + "-requests-");
    }

    /** Threads of Spring's requester: its reply container, timeout scheduler and request producer. */
    static boolean springThread(String name) {
        return name.startsWith(SPRING_NAME) || name.contains("| " + SPRING_NAME);
    }

    static <T> T timed(Supplier<T> s) {
        return s.get();
    }
}
