package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessedIdsTest {

    @TempDir
    Path dir;

    @Test
    void inMemoryForgetsTheLeastRecentlyUsedAndKeysBySourceAndId() {
        ProcessedIds ids = ProcessedIds.inMemory(2);
        ids.add("svc-a", "1");
        ids.add("svc-a", "2");
        assertThat(ids.contains("svc-a", "1")).isTrue();
        assertThat(ids.contains("svc-b", "1")).as("another source's id 1 is another message").isFalse();
        ids.add("svc-a", "3");
        assertThat(ids.contains("svc-a", "2")).isFalse();
        assertThat(ids.contains("svc-a", "1")).isTrue();
        assertThatThrownBy(() -> ProcessedIds.inMemory(0)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void hostileIdsAreHeldAsDigestsAndNeverConfuseTheFile() throws Exception {
        Path file = dir.resolve("ids");
        String huge = "x".repeat(1_000_000);
        String lines = "a\nb\u0000c\r\n";
        try (ProcessedIds ids = ProcessedIds.file(file, 10)) {
            ids.add("svc", huge);
            ids.add("svc", lines);
            ids.add(null, null);
        }
        assertThat(Files.size(file)).isLessThan(1_000);
        try (ProcessedIds again = ProcessedIds.file(file, 10)) {
            assertThat(again.contains("svc", huge)).isTrue();
            assertThat(again.contains("svc", "x".repeat(999_999))).isFalse();
            assertThat(again.contains("svc", lines)).isTrue();
            assertThat(again.contains("svc", "a")).isFalse();
            assertThat(again.contains(null, null)).isTrue();
        }
    }

    @Test
    void theFileSurvivesARestartIgnoresATornLineAndStaysBounded() throws Exception {
        Path file = dir.resolve("sub").resolve("processed");
        try (ProcessedIds ids = ProcessedIds.file(file, 100)) {
            for (int i = 0; i < 1_000; i++) {
                ids.add("svc", "id-" + i);
            }
        }
        // a kill in the middle of a write leaves a partial last line
        Files.write(file, "not-base64!".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        assertThat(Files.readAllLines(file).size()).as("compacted: at most twice the capacity").isLessThanOrEqualTo(201);
        try (ProcessedIds ids = ProcessedIds.file(file, 100)) {
            assertThat(ids.contains("svc", "id-999")).isTrue();
            assertThat(ids.contains("svc", "id-900")).isTrue();
            assertThat(ids.contains("svc", "id-0")).as("beyond the capacity").isFalse();
        }
    }

    @Test
    void concurrentWorkersSeeEachOthersIds() throws Exception {
        ProcessedIds ids = ProcessedIds.file(dir.resolve("concurrent"), 100_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int worker = w;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    ids.add("svc", worker + "-" + i);
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        ids.close();
        try (ProcessedIds reopened = ProcessedIds.file(dir.resolve("concurrent"), 100_000)) {
            for (int w = 0; w < 8; w++) {
                assertThat(reopened.contains("svc", w + "-1999")).isTrue();
            }
        }
        assertThat(Files.readAllLines(dir.resolve("concurrent"))).hasSize(16_000);
    }

    @Test
    void anUnusableFileIsAConfigurationError() throws Exception {
        Path notAFile = Files.createDirectories(dir.resolve("a-directory"));
        assertThatThrownBy(() -> ProcessedIds.file(notAFile, 10)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a-directory");
    }
}
