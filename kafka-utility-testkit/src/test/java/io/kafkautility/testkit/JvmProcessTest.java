package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JvmProcessTest {

    @Test
    void runsAMainClassAndReportsItsExitCode() {
        try (JvmProcess p = JvmProcess.builder(BlockingMain.class).args("3").start()) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).hasValue(3);
            assertThat(p.logTail(5)).contains("ready 3");
        }
    }

    @Test
    void killPauseResumeAndTerminateTargetTheChildPid() {
        try (JvmProcess p = JvmProcess.builder(BlockingMain.class).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.logTail(5).contains("ready"));
            p.pause();
            await().atMost(Duration.ofSeconds(10)).until(p::isStopped);
            p.resume();
            await().atMost(Duration.ofSeconds(10)).until(() -> !p.isStopped());
            assertThat(p.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(p.logTail(5)).contains("shutdown hook ran");
        }
        try (JvmProcess p = JvmProcess.builder(BlockingMain.class).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.logTail(5).contains("ready"));
            p.kill();
            assertThat(p.exitCode()).hasValue(137);
            assertThat(p.logTail(5)).doesNotContain("shutdown hook ran");
        }
    }
}
