package io.kafkautility.benchmarks;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import java.time.Duration;
import java.util.HashMap;
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

    private final String bootstrap;

    RequestReplyBench(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    Requester ours(String requestTopic) throws Exception {
        RequestReplyClient<byte[], byte[]> client = RequestReplyClient.create(RequestReplyOptions
                .builder(requestTopic, BYTES, BYTES)
                .connection(KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build())
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

    Requester spring(String requestTopic, String replyTopic) throws Exception {
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put("bootstrap.servers", bootstrap);
        producerProps.put("linger.ms", 0);
        var producerFactory = new DefaultKafkaProducerFactory<String, byte[]>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put("bootstrap.servers", bootstrap);
        consumerProps.put("group.id", "spring-replies-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "latest");
        consumerProps.put("fetch.max.wait.ms", 1);
        // tuned as a Spring user would for replies: no synchronous commit round trip after every poll (a reply
        // needs no at-least-once: its requester is in memory), so the baseline is Spring at its best
        consumerProps.put("enable.auto.commit", true);
        var consumerFactory = new DefaultKafkaConsumerFactory<String, byte[]>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer());
        ContainerProperties containerProps = new ContainerProperties(replyTopic);
        var container = new KafkaMessageListenerContainer<>(consumerFactory, containerProps);
        ReplyingKafkaTemplate<String, byte[], byte[]> template = new ReplyingKafkaTemplate<>(producerFactory,
                container);
        template.setDefaultReplyTimeout(Duration.ofSeconds(30));
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
            }
        };
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

    /** Requests per second with {@code inFlight} outstanding. */
    static double throughput(Requester requester, int inFlight, int count, byte[] payload) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            all[i] = requester.request(payload).whenComplete((r, e) -> permits.release());
        }
        CompletableFuture.allOf(all).get(120, TimeUnit.SECONDS);
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    static <T> T timed(Supplier<T> s) {
        return s.get();
    }
}
