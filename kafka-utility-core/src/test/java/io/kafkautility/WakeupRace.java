package io.kafkautility;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real {@link KafkaConsumer} behind a proxy that sets up the close-time wakeup race deterministically: once
 * {@link #park()} is called, the next {@code poll()} waits outside the real consumer until {@code wakeup()} has been
 * delivered to it, so that the wakeup stays pending and hits the next blocking call (the final commit). Every
 * asynchronous commit fails, so the final synchronous commit is the only one; {@link #confirmedAfterPark()} says
 * whether Kafka confirmed one after {@link #park()}. For tests of close paths only.
 */
public final class WakeupRace {

    private final AtomicBoolean parking = new AtomicBoolean();
    private final CountDownLatch parked = new CountDownLatch(1);
    private final CountDownLatch woken = new CountDownLatch(1);
    private final AtomicBoolean confirmed = new AtomicBoolean();

    /** The consumer factory to give the client under test. */
    @SuppressWarnings("unchecked")
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> factory() {
        return props -> {
            Consumer<byte[], byte[]> real = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(WakeupRace.class.getClassLoader(),
                    new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                        String name = method.getName();
                        if (name.equals("poll") && parking.get()) {
                            parked.countDown();
                            woken.await(30, TimeUnit.SECONDS);
                            return ConsumerRecords.empty();
                        }
                        if (name.equals("commitAsync") && args != null && args.length == 2) {
                            ((OffsetCommitCallback) args[1]).onComplete((Map<TopicPartition, OffsetAndMetadata>) args[0],
                                    new RetriableCommitFailedException("failed by the test"));
                            return null;
                        }
                        try {
                            Object result = method.invoke(real, args);
                            if (name.equals("commitSync")) {
                                confirmed.compareAndSet(false, parking.get());
                            } else if (name.equals("wakeup")) {
                                woken.countDown();
                            }
                            return result;
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }

    /** From now on the poll thread parks outside poll(); returns once it has. */
    public boolean park(Duration timeout) throws InterruptedException {
        parking.set(true);
        return parked.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a synchronous commit returned normally after {@link #park}. */
    public boolean confirmedAfterPark() {
        return confirmed.get();
    }
}
