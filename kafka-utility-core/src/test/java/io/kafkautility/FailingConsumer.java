package io.kafkautility;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer factory for tests of a loop's failure path: real Kafka consumers whose next {@code poll} throws a
 * {@link KafkaException} once {@link #failNextPoll()} was called, optionally with every asynchronous commit swallowed
 * (never sent, callback never run), so only a synchronous commit lands. Counts the consumers it made. Thread-safe.
 */
public final class FailingConsumer {
    private final AtomicBoolean failNextPoll = new AtomicBoolean();
    private final AtomicInteger created = new AtomicInteger();
    private final boolean swallowAsyncCommits;

    public FailingConsumer(boolean swallowAsyncCommits) {
        this.swallowAsyncCommits = swallowAsyncCommits;
    }

    /** The next poll of the current consumer throws. */
    public void failNextPoll() {
        failNextPoll.set(true);
    }

    /** Whether the failure asked for has happened. */
    public boolean failed() {
        return !failNextPoll.get();
    }

    /** Consumers made so far. */
    public int created() {
        return created.get();
    }

    /** The factory to give the client under test. */
    @SuppressWarnings("unchecked")
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> factory() {
        return props -> {
            created.incrementAndGet();
            KafkaConsumer<byte[], byte[]> real = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(FailingConsumer.class.getClassLoader(),
                    new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                        if (method.getName().equals("poll") && failNextPoll.compareAndSet(true, false)) {
                            throw new KafkaException("injected client failure");
                        }
                        if (swallowAsyncCommits && method.getName().equals("commitAsync")) {
                            return null;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }
}
