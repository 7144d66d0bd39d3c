package io.kafkautility.testkit;

import io.kafkautility.testkit.internal.Signals;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any {@code main} class in a child JVM, for fault tests that must kill a client process (e.g. a consumer killed
 * between processing and commit): SIGKILL, SIGTERM, SIGSTOP/SIGCONT to its own PID, exit code, and its output in a
 * log file. The class path defaults to the running JVM's, so test classes can be the main class.
 *
 * <pre>{@code
 * try (JvmProcess consumer = JvmProcess.builder(MyConsumerMain.class).args(bootstrap, topic).start()) {
 *     await().until(() -> consumer.logTail(5).contains("processed 500"));
 *     consumer.kill();
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe. Ownership: the creator closes it, which kills the child; a JVM shutdown hook kills it
 * if the test JVM exits first. Throws {@link KafkaTestkitException} when the child cannot be started or signalled.
 */
public final class JvmProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JvmProcess.class);

    private final String mainClass;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;
    private final boolean deleteLog;

    private JvmProcess(Builder b) throws IOException {
        this.mainClass = b.mainClass;
        this.deleteLog = b.logFile == null;
        this.logFile = b.logFile != null ? b.logFile : Files.createTempFile("jvm-process-", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(b.jvmArgs);
        b.systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(b.classpath != null ? b.classpath : System.getProperty("java.class.path"));
        cmd.add(b.mainClass);
        cmd.addAll(b.args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(b.environment);
        this.process = pb.start();
        Process child = process;
        this.shutdownHook = new Thread(child::destroyForcibly, "jvm-process-reaper-" + child.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        log.info("Started {} in child JVM pid {} (output in {})", mainClass, process.pid(), logFile);
    }

    /** A builder for a child JVM running {@code mainClass}. */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(Objects.requireNonNull(mainClass, "mainClass").getName());
    }

    /** A builder for a child JVM running the class with this fully qualified name. */
    public static Builder builder(String mainClass) {
        if (mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("mainClass must not be blank");
        }
        return new Builder(mainClass);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code if the child has exited. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits up to {@code timeout} for the child to exit; returns its exit code if it did. */
    public OptionalInt waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while waiting for pid " + pid(), e);
        }
    }

    /** SIGKILL, then waits (up to 30 s) until the child is gone. */
    public void kill() {
        process.destroyForcibly();
        if (waitFor(Duration.ofSeconds(30)).isEmpty()) {
            throw new KafkaTestkitException("pid " + pid() + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (shutdown hooks run), waits up to {@code timeout}, then SIGKILL. @return the exit code */
    public int terminate(Duration timeout) {
        if (process.isAlive() && isStopped()) {
            Signals.send(pid(), "CONT");
        }
        process.destroy();
        if (waitFor(timeout).isEmpty()) {
            log.warn("pid {} ({}) ignored SIGTERM for {}; sending SIGKILL", pid(), mainClass, timeout);
            kill();
        }
        return process.exitValue();
    }

    /** SIGSTOP: the child freezes with its sockets open. */
    public void pause() {
        Signals.send(pid(), "STOP");
    }

    /** SIGCONT. */
    public void resume() {
        Signals.send(pid(), "CONT");
    }

    /** Whether the child is stopped by a signal (Linux {@code /proc}; false where it cannot tell). */
    public boolean isStopped() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && (stat.charAt(close + 2) == 'T');
        } catch (IOException e) {
            return false;
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the child's output (reads at most the last 64 KiB). */
    public String logTail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 65_536);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /**
     * Kills the child if it is still alive and removes the shutdown hook; deletes the log file unless it was given
     * with {@link Builder#logFile(Path)}. Idempotent.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM shutting down
        }
        if (deleteLog) {
            try {
                Files.deleteIfExists(logFile);
            } catch (IOException e) {
                log.debug("cannot delete {}", logFile, e);
            }
        }
    }

    @Override
    public String toString() {
        return "JvmProcess{mainClass=" + mainClass + ", pid=" + process.pid() + ", alive=" + process.isAlive() + '}';
    }

    /** Validating builder; not thread-safe. Defaults: {@code -Xmx256m -XX:+UseSerialGC}, the running class path. */
    public static final class Builder {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String classpath;
        private Path logFile;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        public Builder args(String... args) {
            for (String a : args) {
                this.args.add(Objects.requireNonNull(a, "arg"));
            }
            return this;
        }

        /** Replaces the JVM arguments. */
        public Builder jvmArgs(List<String> jvmArgs) {
            Objects.requireNonNull(jvmArgs, "jvmArgs").forEach(a -> Objects.requireNonNull(a, "jvmArg"));
            this.jvmArgs.clear();
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder classpath(String classpath) {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("classpath must not be blank");
            }
            this.classpath = classpath;
            return this;
        }

        /** Where stdout and stderr go (appended); default a temporary file. */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /** Starts the child JVM. @throws KafkaTestkitException if it cannot be started */
        public JvmProcess start() {
            try {
                return new JvmProcess(this);
            } catch (IOException e) {
                throw new KafkaTestkitException("cannot start child JVM for " + mainClass + ": " + e, e);
            }
        }
    }
}
