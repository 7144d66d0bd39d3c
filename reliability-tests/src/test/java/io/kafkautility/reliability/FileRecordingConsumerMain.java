package io.kafkautility.reliability;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.KafkaClientPool;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM of {@link ConsumerCrashIT}: a library {@link MessageConsumer} whose handler appends each id + newline to
 * a file (one write syscall, so it survives SIGKILL) before returning, i.e. before the offset can be committed.
 * Args: bootstrap, topic, group, output file, then options: {@code --processed-ids=<file>} (skip what an earlier
 * child finished), {@code --retry-topics} (1 % of the ids fail their first attempt and come back through retry topics
 * of 300 ms and 600 ms), {@code --key-ordered=<n>} (n workers, records keyed by the producer). Runs until killed;
 * SIGTERM closes the consumer gracefully.
 */
public final class FileRecordingConsumerMain {

    private FileRecordingConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        FileOutputStream out = new FileOutputStream(args[3], true);
        KafkaClientPool pool = KafkaClientPool.create();
        java.util.Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].replaceFirst("^--", "").split("=", 2);
            flags.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        boolean retry = flags.containsKey("retry-topics");
        ConsumerOptions.Builder options = ConsumerOptions.builder(
                        KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build(), group, topic)
                .pool(pool)
                // a SIGKILLed member is noticed quickly, so the next child gets its partitions without a long wait
                .kafkaProperty("session.timeout.ms", 3000)
                .kafkaProperty("heartbeat.interval.ms", 500)
                .handler(CrashScenarioSupport.TYPE, (m, ctx) -> {
                    LockSupport.parkNanos(100_000); // some work, so the kills land mid-stream
                    String id = CrashScenarioSupport.idOf(m);
                    if (retry && ctx.attempt() == 1 && Math.floorMod(id.hashCode(), 100) == 0) {
                        throw new IllegalStateException("first attempt of " + id + " fails");
                    }
                    out.write((id + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                });
        if (retry) {
            options.retryTopics(java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(600));
        }
        if (flags.containsKey("processed-ids")) {
            options.processedIds(io.kafkautility.consumer.ProcessedIds.file(java.nio.file.Path.of(
                    flags.get("processed-ids")), 100_000));
        }
        io.kafkautility.consumer.ProcessedIds shared = null;
        if (flags.containsKey("processed-ids-topic")) { // shared through Kafka: each child on its own, as on another host
            shared = io.kafkautility.consumer.ProcessedIds.kafkaTopic(KafkaConnectionOptions.builder()
                    .bootstrapServers(bootstrap).build(), flags.get("processed-ids-topic"), 100_000,
                    java.time.Duration.ofHours(1));
            options.processedIds(shared);
        }
        if (flags.containsKey("key-ordered")) {
            options.keyOrderedConcurrency(Integer.parseInt(flags.get("key-ordered")));
        }
        MessageConsumer consumer = MessageConsumer.create(options.build()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        io.kafkautility.consumer.ProcessedIds store = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.close();
            if (store != null) {
                store.close();
            }
            pool.close();
            System.out.println("closed after " + consumer.completedCount() + " records");
            stopped.countDown();
        }));
        System.out.println("started");
        consumer.ready().join();
        System.out.println("assigned");
        stopped.await();
    }
}
