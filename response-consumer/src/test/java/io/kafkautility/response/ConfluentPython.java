package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Confluent's own Python client and (legacy) Avro serializer, Debian's {@code python3-confluent-kafka python3-avro
 * python3-requests} under {@code /usr/bin/python3}, for the interop tests (test jar). {@code .ci/run} installs them;
 * elsewhere a test that needs them reports itself skipped, with the reason.
 */
public final class ConfluentPython {
    public static final String PYTHON = "/usr/bin/python3";

    private ConfluentPython() {
    }

    /** Skips the calling test, saying why, unless {@code confluent_kafka.avro} imports. */
    public static void assumeAvailable(String test) {
        boolean available = available();
        if (!available) {
            System.err.println("SKIPPED " + test + ": install python3-confluent-kafka python3-avro python3-requests");
        }
        Assumptions.assumeTrue(available, "needs " + PYTHON + " with python3-confluent-kafka, python3-avro and "
                + "python3-requests");
    }

    static boolean available() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro, avro.schema")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Copies the class-path script {@code resource} into {@code dir}, runs it with {@code args}, waits up to 120 s and
     * asserts it exited 0; returns what it printed.
     */
    public static List<String> run(Class<?> caller, String resource, Path dir, String... args) throws Exception {
        Files.createDirectories(dir);
        Path script = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = caller.getResourceAsStream(resource)) {
            Files.write(script, in.readAllBytes());
        }
        Path log = dir.resolve(script.getFileName() + ".log");
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("python finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("python exit; output: %s", out).isZero();
        return out;
    }
}
