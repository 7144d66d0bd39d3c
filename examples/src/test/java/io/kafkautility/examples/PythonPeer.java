package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code python/kafka_utility_peer.py} (the Python peers written from PROTOCOL.md) with Debian's
 * {@code python3-confluent-kafka} under {@code /usr/bin/python3}, which {@code .ci/run} installs. Without it the test
 * fails, saying what to install: a Python peer that did not run proves nothing.
 */
final class PythonPeer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final String mode;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private PythonPeer(String mode, Process process) {
        this.mode = mode;
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    System.out.println("PYTHON " + mode + ": " + line);
                }
            } catch (java.io.IOException e) {
                lines.add("READ FAILED " + e);
            }
        }, "python-" + mode);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the peer in {@code mode} with {@code args}. */
    static PythonPeer start(String mode, String... args) throws Exception {
        assertThat(Files.isExecutable(Path.of(PYTHON))).as(PYTHON + " (install python3-confluent-kafka)").isTrue();
        Process check = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka").redirectErrorStream(true).start();
        String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0)
                .as("confluent_kafka imports (apt-get install python3-confluent-kafka python3-avro "
                        + "python3-requests): %s", checkOut).isTrue();
        Path dir = Files.createDirectories(Path.of("target", "python"));
        Path script = dir.resolve("kafka_utility_peer.py");
        try (InputStream in = PythonPeer.class.getResourceAsStream("/python/kafka_utility_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, "-u", script.toString(), mode));
        command.addAll(List.of(args));
        return new PythonPeer(mode, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Waits until a line starting with {@code prefix} was printed; returns it. */
    String awaitLine(String prefix, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).until(() -> find(prefix) != null || !process.isAlive());
        String line = find(prefix);
        assertThat(line).as("python %s printed %s; it printed %s", mode, prefix, lines).isNotNull();
        return line;
    }

    /** The first line starting with {@code prefix}, or null. */
    String find(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    List<String> all(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** Waits for the peer to exit and asserts it exited 0. */
    PythonPeer awaitSuccess(Duration timeout) throws Exception {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("python %s finished", mode).isTrue();
        reader.join(5_000);
        assertThat(process.exitValue()).as("python %s exit; it printed %s", mode, lines).isZero();
        return this;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
