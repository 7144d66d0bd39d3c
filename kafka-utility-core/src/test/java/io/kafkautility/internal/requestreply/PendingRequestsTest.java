package io.kafkautility.internal.requestreply;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kafkautility.internal.requestreply.PendingRequests.DropReason.DUPLICATE;
import static io.kafkautility.internal.requestreply.PendingRequests.DropReason.LATE;
import static io.kafkautility.internal.requestreply.PendingRequests.DropReason.UNKNOWN;
import static io.kafkautility.internal.requestreply.PendingRequests.Outcome.ABANDONED;
import static io.kafkautility.internal.requestreply.PendingRequests.Outcome.REPLIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingRequestsTest {

    @Test
    void rejectsWhenFullAndAcceptsAgainAfterFinish() {
        PendingRequests<String> p = new PendingRequests<>(2, 10, "me-");
        assertThat(p.tryRegister("me-1", "a")).isTrue();
        assertThat(p.tryRegister("me-2", "b")).isTrue();
        assertThat(p.tryRegister("me-3", "c")).isFalse();
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.get("me-3")).isNull();
        assertThat(p.finish("me-1", "a", REPLIED)).isTrue();
        assertThat(p.tryRegister("me-3", "c")).isTrue();
        assertThat(p.size()).isEqualTo(2);
    }

    @Test
    void exactlyOneFinisherWins() {
        PendingRequests<String> p = new PendingRequests<>(10, 10, "me-");
        p.tryRegister("me-1", "a");
        assertThat(p.finish("me-1", "a", REPLIED)).isTrue();
        assertThat(p.finish("me-1", "a", ABANDONED)).isFalse();
        assertThat(p.finish("me-1", "other", ABANDONED)).isFalse();
        assertThat(p.size()).isZero();
    }

    @Test
    void duplicateIdIsAProgrammingError() {
        PendingRequests<String> p = new PendingRequests<>(10, 10, "me-");
        p.tryRegister("me-1", "a");
        assertThatThrownBy(() -> p.tryRegister("me-1", "b")).isInstanceOf(IllegalStateException.class);
        assertThat(p.size()).isEqualTo(1);
    }

    @Test
    void classifiesStrayReplies() {
        PendingRequests<String> p = new PendingRequests<>(10, 2, "me-");
        p.tryRegister("me-1", "a");
        p.tryRegister("me-2", "b");
        p.finish("me-1", "a", REPLIED);
        p.finish("me-2", "b", ABANDONED);
        assertThat(p.classify("me-1")).isEqualTo(DUPLICATE);
        assertThat(p.classify("me-2")).isEqualTo(LATE);
        assertThat(p.classify("other-1")).isEqualTo(UNKNOWN);
        assertThat(p.classify(null)).isEqualTo(UNKNOWN);
        // memory is bounded: the oldest outcome is forgotten, an own id then counts as late
        p.tryRegister("me-3", "c");
        p.finish("me-3", "c", REPLIED);
        assertThat(p.classify("me-1")).isEqualTo(LATE);
        assertThat(p.classify("me-3")).isEqualTo(DUPLICATE);
    }

    @Test
    void boundHoldsUnderConcurrency() throws Exception {
        int capacity = 1000;
        PendingRequests<Integer> p = new PendingRequests<>(capacity, 0, "me-");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            int base = t * 1000;
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < 1000; i++) {
                    if (p.tryRegister("me-" + (base + i), base + i)) {
                        accepted.incrementAndGet();
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(accepted.get()).isEqualTo(capacity);
        assertThat(p.size()).isEqualTo(capacity);
        assertThat(p.snapshot()).hasSize(capacity);
    }
}
