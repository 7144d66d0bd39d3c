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
 * Args: bootstrap, topic, group, output file. Runs until killed; SIGTERM closes the consumer gracefully.
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
        ConsumerOptions options = ConsumerOptions.builder(
                        KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build(), group, topic)
                .pool(pool)
                // a SIGKILLed member is noticed quickly, so the next child gets its partitions without a long wait
                .kafkaProperty("session.timeout.ms", 3000)
                .kafkaProperty("heartbeat.interval.ms", 500)
                .handler(CrashScenarioSupport.TYPE, (m, ctx) -> {
                    LockSupport.parkNanos(100_000); // some work, so the kills land mid-stream
                    out.write((CrashScenarioSupport.idOf(m) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                })
                .build();
        MessageConsumer consumer = MessageConsumer.create(options).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.close();
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
