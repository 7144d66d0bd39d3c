package io.kafkautility.internal.requestreply;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A hashed-wheel timer (one thread, fixed tick): scheduling and cancelling are lock-free queue offers that never wake
 * the timer thread, so a request costs no context switch for its timeout. Tasks run on the timer thread at or up to
 * one tick after their deadline. Cancelled timeouts are unlinked on the next tick (O(1) each).
 */
final class WheelTimer implements TimeoutScheduler {

    private static final Logger log = LoggerFactory.getLogger(WheelTimer.class);
    private static final int ST_INIT = 0;
    private static final int ST_CANCELLED = 1;
    private static final int ST_EXPIRED = 2;

    private final long tickNanos;
    private final Bucket[] wheel;
    private final int mask;
    private final ConcurrentLinkedQueue<Entry> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> cancelled = new ConcurrentLinkedQueue<>();
    private final Thread worker;
    private final long startNanos;
    private final AtomicInteger linked = new AtomicInteger();
    private volatile boolean running = true;
    private long tick;

    WheelTimer(String threadName, long tickNanos, int wheelSize) {
        if (Integer.bitCount(wheelSize) != 1) {
            throw new IllegalArgumentException("wheelSize must be a power of two but was " + wheelSize);
        }
        this.tickNanos = tickNanos;
        this.wheel = new Bucket[wheelSize];
        for (int i = 0; i < wheelSize; i++) {
            wheel[i] = new Bucket();
        }
        this.mask = wheelSize - 1;
        this.startNanos = System.nanoTime();
        this.worker = new Thread(this::run, threadName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public Timeout schedule(Runnable task, long delayNanos) {
        if (!running) {
            throw new RejectedExecutionException("timer stopped");
        }
        Entry e = new Entry(task, System.nanoTime() + Math.max(0, delayNanos));
        added.add(e);
        return e;
    }

    @Override
    public void stop() {
        running = false;
        LockSupport.unpark(worker);
    }

    /** @return timeouts not yet expired or unlinked (scheduled, or cancelled but not yet unlinked) */
    int pendingForTest() {
        return added.size() + linked.get();
    }

    private void run() {
        while (running) {
            long deadline = startNanos + tickNanos * (tick + 1);
            long now;
            while ((now = System.nanoTime()) - deadline < 0 && running) {
                LockSupport.parkNanos(this, deadline - now);
            }
            if (!running) {
                break;
            }
            unlinkCancelled();
            transferAdded();
            wheel[(int) (tick & mask)].expire();
            tick++;
        }
    }

    private void unlinkCancelled() {
        Entry e;
        while ((e = cancelled.poll()) != null) {
            if (e.bucket != null) {
                e.bucket.remove(e);
            }
        }
    }

    private void transferAdded() {
        // bounded per tick so a flood of schedules cannot starve expiry
        for (int i = 0; i < 100_000; i++) {
            Entry e = added.poll();
            if (e == null) {
                return;
            }
            if (e.state.get() == ST_CANCELLED) {
                continue;
            }
            long calculated = (e.deadlineNanos - startNanos) / tickNanos;
            e.remainingRounds = (calculated - tick) / wheel.length;
            long ticks = Math.max(calculated, tick);
            wheel[(int) (ticks & mask)].add(e);
        }
    }

    private final class Entry implements Timeout {
        final Runnable task;
        final long deadlineNanos;
        final AtomicInteger state = new AtomicInteger(ST_INIT);
        long remainingRounds;
        Entry next;
        Entry prev;
        Bucket bucket;

        Entry(Runnable task, long deadlineNanos) {
            this.task = task;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void cancel() {
            if (state.compareAndSet(ST_INIT, ST_CANCELLED)) {
                cancelled.add(this);
            }
        }

        void expire() {
            if (state.compareAndSet(ST_INIT, ST_EXPIRED)) {
                try {
                    task.run();
                } catch (Throwable t) {
                    log.warn("Timeout task threw {}", t.toString());
                }
            }
        }
    }

    /** A doubly linked list of entries; touched by the timer thread only. */
    private final class Bucket {
        Entry head;
        Entry tail;

        void add(Entry e) {
            linked.incrementAndGet();
            e.bucket = this;
            if (head == null) {
                head = tail = e;
            } else {
                tail.next = e;
                e.prev = tail;
                tail = e;
            }
        }

        void expire() {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                if (e.remainingRounds <= 0) {
                    // the slot arithmetic guarantees e.deadlineNanos <= tickDeadline here
                    remove(e);
                    e.expire();
                } else if (e.state.get() == ST_CANCELLED) {
                    remove(e);
                } else {
                    e.remainingRounds--;
                }
                e = next;
            }
        }

        void remove(Entry e) {
            if (e.bucket != this) {
                return;
            }
            if (e.prev != null) {
                e.prev.next = e.next;
            } else {
                head = e.next;
            }
            if (e.next != null) {
                e.next.prev = e.prev;
            } else {
                tail = e.prev;
            }
            e.prev = null;
            e.next = null;
            e.bucket = null;
            linked.decrementAndGet();
        }
    }
}
