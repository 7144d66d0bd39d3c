package io.kafkautility.testkit.fault;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches how a consumer commits: wraps a real {@link Consumer} (for example in a library's consumer factory) and
 * counts synchronous and asynchronous commits and the most asynchronous commits awaiting their answer at once.
 * A poll loop that sends a new asynchronous commit on every iteration before the previous one was answered queues
 * commits at the group coordinator; the synchronous commit of a revoke or close then waits behind all of them.
 *
 * <p>Thread-safe. The wrapper delegates every call to the wrapped consumer and owns nothing: closing the wrapper
 * closes the consumer.
 */
public final class CommitRecorder {

    private final AtomicLong asyncCommits = new AtomicLong();
    private final AtomicLong syncCommits = new AtomicLong();
    private final AtomicInteger asyncInFlight = new AtomicInteger();
    private final AtomicInteger maxAsyncInFlight = new AtomicInteger();

    private CommitRecorder() {
    }

    /** A new recorder with nothing counted. */
    public static CommitRecorder create() {
        return new CommitRecorder();
    }

    /** {@code consumer} behind a proxy that records its commits (the proxy implements only {@link Consumer}). */
    @SuppressWarnings("unchecked")
    public <K, V> Consumer<K, V> wrap(Consumer<K, V> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        InvocationHandler handler = (proxy, method, args) -> {
            Object[] actual = args;
            switch (method.getName()) {
                case "commitSync" -> syncCommits.incrementAndGet();
                case "commitAsync" -> {
                    asyncCommits.incrementAndGet();
                    int now = asyncInFlight.incrementAndGet();
                    maxAsyncInFlight.accumulateAndGet(now, Math::max);
                    if (args == null || args.length == 0) { // commitAsync(): the same as with a callback
                        try {
                            consumer.commitAsync(counting(null));
                        } catch (RuntimeException e) {
                            asyncInFlight.decrementAndGet();
                            throw e;
                        }
                        return null;
                    }
                    actual = withCountingCallback(args);
                }
                default -> { }
            }
            try {
                return method.invoke(consumer, actual);
            } catch (InvocationTargetException e) {
                if (method.getName().equals("commitAsync")) {
                    asyncInFlight.decrementAndGet();
                }
                throw e.getCause();
            }
        };
        return (Consumer<K, V>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, handler);
    }

    private Object[] withCountingCallback(Object[] args) {
        // commitAsync(callback) or commitAsync(offsets, callback): the callback, last, counts the answer
        Object[] copy = args.clone();
        int last = copy.length - 1;
        if (!(copy[last] instanceof OffsetCommitCallback) && copy[last] != null) {
            throw new IllegalArgumentException("commitAsync without a callback as its last argument");
        }
        copy[last] = counting((OffsetCommitCallback) copy[last]);
        return copy;
    }

    private OffsetCommitCallback counting(OffsetCommitCallback user) {
        return (Map<TopicPartition, OffsetAndMetadata> offsets, Exception error) -> {
            asyncInFlight.decrementAndGet();
            if (user != null) {
                user.onComplete(offsets, error);
            }
        };
    }

    /** Asynchronous commits sent so far. */
    public long asyncCommits() {
        return asyncCommits.get();
    }

    /** Synchronous commits made so far. */
    public long syncCommits() {
        return syncCommits.get();
    }

    /** The most asynchronous commits that were awaiting their answer at the same time. */
    public int maxAsyncInFlight() {
        return maxAsyncInFlight.get();
    }

    @Override
    public String toString() {
        return "CommitRecorder{async=" + asyncCommits + ", sync=" + syncCommits + ", maxAsyncInFlight="
                + maxAsyncInFlight + '}';
    }
}
