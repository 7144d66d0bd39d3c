package io.kafkautility.requestreply;

import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/** Shared helpers of the request-reply integration tests. */
final class RrSupport {

    private RrSupport() {
    }

    static RequestReplyOptions.Builder<String, String> client(KafkaCluster cluster, String requestTopic,
                                                              MeterRegistry registry) {
        return RequestReplyOptions.builder(requestTopic, PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperties(cluster.clientProperties())
                .clientName("it-client")
                .meterRegistry(registry);
    }

    static ResponderOptions.Builder<String, String> responder(KafkaCluster cluster, String requestTopic) {
        return ResponderOptions.builder(requestTopic, TopicNames.unique("responders"), PayloadCodec.utf8(),
                        PayloadCodec.utf8())
                .kafkaProperties(cluster.clientProperties())
                .name("it-responder");
    }

    static Responder<String, String> echo(KafkaCluster cluster, String requestTopic) {
        Responder<String, String> r = Responder.create(responder(cluster, requestTopic).build(),
                RequestHandler.sync(s -> s));
        r.ready().join();
        return r;
    }

    static double dropped(MeterRegistry registry, String reason) {
        Counter c = registry.find(MetricNames.REQUEST_REPLY_DROPPED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static double counter(MeterRegistry registry, String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static KafkaProducer<byte[], byte[]> rawProducer(KafkaCluster cluster) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> rawConsumer(KafkaCluster cluster, String topic) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("raw"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code count} records arrived or the deadline passes. */
    static List<ConsumerRecord<byte[], byte[]>> consume(KafkaConsumer<byte[], byte[]> consumer, int count,
                                                        Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count && System.nanoTime() - deadline < 0) {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Collects a stream; requests {@code batch} items at a time. */
    static final class Collector<T> implements Flow.Subscriber<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<List<T>> done = new CompletableFuture<>();
        private final long batch;
        private Flow.Subscription subscription;
        private long outstanding;

        Collector(long batch) {
            this.batch = batch;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            outstanding = batch;
            s.request(batch);
        }

        @Override
        public void onNext(T item) {
            items.add(item);
            if (--outstanding == 0) {
                outstanding = batch;
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(items);
        }
    }
}
