package io.kafkautility.internal.requestreply;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs timeout tasks; one per client, shared by all its requests. */
interface TimeoutScheduler {

    /** A scheduled task that can be cancelled (cheaply, without waking a thread). */
    interface Timeout {
        void cancel();
    }

    /**
     * @throws RejectedExecutionException if the scheduler was stopped
     */
    Timeout schedule(Runnable task, long delayNanos);

    /** Stops the scheduler if this client owns it. */
    void stop();

    /** Adapts a caller-owned executor (never shut down here). */
    static TimeoutScheduler of(ScheduledExecutorService executor) {
        return new TimeoutScheduler() {
            @Override
            public Timeout schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void stop() {
            }
        };
    }
}
