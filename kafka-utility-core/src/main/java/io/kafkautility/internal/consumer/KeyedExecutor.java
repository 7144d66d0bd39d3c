package io.kafkautility.internal.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks on {@code threads} threads, the tasks of one key one after another in submission order, tasks of
 * different keys at once: a key with a task running queues the next ones behind it; a key without one goes to the
 * next free thread. Any free thread takes any ready key, so a few busy keys never idle the other threads (unlike a
 * fixed key-to-thread hash). Keyless tasks run as soon as a thread is free. Thread-safe.
 */
final class KeyedExecutor {

    private final ExecutorService pool;
    /** Keys with a task running -> the tasks waiting behind it (guarded by this). */
    private final Map<ByteBuffer, ArrayDeque<Runnable>> busy = new HashMap<>();

    KeyedExecutor(int threads, String name) {
        this.pool = Executors.newFixedThreadPool(threads, new java.util.concurrent.ThreadFactory() {
            private int n;

            @Override
            public synchronized Thread newThread(Runnable r) {
                Thread t = new Thread(r, name + "-" + n++);
                t.setDaemon(true);
                return t;
            }
        });
    }

    /**
     * Runs {@code task} after every earlier task of {@code key} (null: no order).
     *
     * @throws RejectedExecutionException once shut down
     */
    void execute(byte[] key, Runnable task) {
        if (key == null) {
            pool.execute(task);
            return;
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        synchronized (this) {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("shut down");
            }
            ArrayDeque<Runnable> waiting = busy.get(k);
            if (waiting != null) {
                waiting.addLast(task);
                return;
            }
            busy.put(k, new ArrayDeque<>());
        }
        submit(k, task);
    }

    private void submit(ByteBuffer key, Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    Runnable next;
                    synchronized (this) {
                        ArrayDeque<Runnable> waiting = busy.get(key);
                        next = waiting == null ? null : waiting.pollFirst();
                        if (next == null) {
                            busy.remove(key);
                        }
                    }
                    if (next != null) {
                        submit(key, next); // to the back of the pool's queue: keys take turns
                    }
                }
            });
        } catch (RejectedExecutionException shutDown) {
            synchronized (this) {
                busy.remove(key); // the records behind it are read again after the close
            }
        }
    }

    /** Stops the threads (interrupting running tasks); queued tasks are dropped. */
    void shutdownNow() {
        synchronized (this) {
            busy.clear();
        }
        pool.shutdownNow();
    }
}
