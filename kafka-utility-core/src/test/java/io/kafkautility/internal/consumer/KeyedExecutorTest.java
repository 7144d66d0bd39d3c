package io.kafkautility.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedExecutorTest {

    @Test
    void aKeysTasksRunInOrderWhileOtherKeysRunAtOnce() {
        KeyedExecutor executor = new KeyedExecutor(8, "test");
        Map<String, List<Integer>> order = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 16; k++) {
                String key = "k" + k;
                int seq = i;
                executor.execute(key.getBytes(StandardCharsets.UTF_8), () -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        TimeUnit.MICROSECONDS.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    order.computeIfAbsent(key, x -> new CopyOnWriteArrayList<>()).add(seq);
                    running.decrementAndGet();
                    done.incrementAndGet();
                });
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == 800);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertThat(order).hasSize(16).allSatisfy((k, seq) -> assertThat(seq).isEqualTo(expected));
        assertThat(most.get()).isEqualTo(8);
        executor.shutdownNow();
    }

    @Test
    void oneBusyKeyDoesNotIdleTheOtherThreads() throws Exception {
        KeyedExecutor executor = new KeyedExecutor(2, "test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger others = new AtomicInteger();
        byte[] hot = "hot".getBytes(StandardCharsets.UTF_8);
        executor.execute(hot, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        executor.execute(hot, others::incrementAndGet); // queued behind the blocked one
        for (int i = 0; i < 100; i++) {
            executor.execute(("k" + i).getBytes(StandardCharsets.UTF_8), others::incrementAndGet);
            executor.execute(null, others::incrementAndGet);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> others.get() == 200);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> others.get() == 201);
        executor.shutdownNow();
        assertThatThrownBy(() -> executor.execute(hot, () -> { })).isInstanceOf(RejectedExecutionException.class);
    }
}
