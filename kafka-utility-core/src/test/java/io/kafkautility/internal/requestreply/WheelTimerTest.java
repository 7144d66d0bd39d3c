package io.kafkautility.internal.requestreply;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WheelTimerTest {

    private final WheelTimer timer = new WheelTimer("test-timer", TimeUnit.MILLISECONDS.toNanos(5), 8);

    @AfterEach
    void stop() {
        timer.stop();
    }

    @Test
    void tasksRunNotBeforeTheirDeadlineIncludingSeveralRounds() {
        ConcurrentHashMap<Long, Long> firedLateByNanos = new ConcurrentHashMap<>();
        // 8 slots x 5 ms = 40 ms per round: 3, 27, 95 and 130 ms need 0..3 rounds
        long[] delaysMs = {0, 3, 27, 95, 130};
        for (long d : delaysMs) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(d);
            timer.schedule(() -> firedLateByNanos.put(d, System.nanoTime() - deadline),
                    TimeUnit.MILLISECONDS.toNanos(d));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> firedLateByNanos.size() == delaysMs.length);
        firedLateByNanos.forEach((d, late) -> assertThat(late).as("task of %d ms fired early", d)
                .isGreaterThanOrEqualTo(0));
        assertThat(timer.pendingForTest()).isZero();
    }

    @Test
    void cancelledTasksNeverRunAndAreUnlinked() {
        AtomicInteger ran = new AtomicInteger();
        List<TimeoutScheduler.Timeout> timeouts = new ArrayList<>();
        // deadlines far enough out that scheduling and cancelling 10,000 finishes first even on a loaded 2-core CI
        // machine with a cold JIT (at 50 ms, 131 tasks once fired before their cancel() was reached)
        long scheduledAt = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            timeouts.add(timer.schedule(ran::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(1_500 + i % 100)));
        }
        timeouts.forEach(TimeoutScheduler.Timeout::cancel);
        assertThat(System.nanoTime() - scheduledAt)
                .as("scheduling and cancelling must finish before the first deadline, or the test proves nothing")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1_500));
        AtomicInteger marker = new AtomicInteger();
        timer.schedule(marker::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(1_700));
        await().atMost(Duration.ofSeconds(10)).until(() -> marker.get() == 1);
        assertThat(ran.get()).isZero();
        assertThat(timer.pendingForTest()).isZero();
    }

    @Test
    void aThrowingTaskDoesNotStopTheTimer() {
        AtomicInteger after = new AtomicInteger();
        timer.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 0);
        timer.schedule(after::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.get() == 1);
    }

    @Test
    void rejectsAfterStop() {
        timer.stop();
        assertThatThrownBy(() -> timer.schedule(() -> { }, 1)).isInstanceOf(RejectedExecutionException.class);
    }
}
