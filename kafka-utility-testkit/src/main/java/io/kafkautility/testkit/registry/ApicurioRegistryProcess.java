package io.kafkautility.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry for integration tests: Apicurio Registry (3.x, from Maven Central's
 * {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}, unpacked) started as a child process with in-memory
 * storage, both ports bound to 127.0.0.1. Needs Java 21+ ({@link #findJava21()}).
 *
 * <p>Its Confluent API is at {@link #ccompatUrl()}. Differences from Confluent's registry: the default compatibility is
 * NONE and ids are Apicurio's own numbering (never assume an id).
 *
 * <p>Not thread-safe for start/close; the creator owns it and must {@link #close()} it (the process is also destroyed
 * by a shutdown hook if the JVM exits first).
 */
public final class ApicurioRegistryProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistryProcess.class);

    /** System property / environment variable naming a Java 21+ home or {@code java} executable for Apicurio. */
    public static final String JAVA_PROPERTY = "apicurio.java";
    public static final String JAVA_ENV = "APICURIO_JAVA";

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;

    private ApicurioRegistryProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts Apicurio from an unpacked distribution ({@code home} contains {@code quarkus-run.jar}) with the given
     * {@code java} executable and waits until its Confluent API answers.
     *
     * @throws IllegalStateException if it does not become ready within {@code timeout} (the log file is named)
     */
    public static ApicurioRegistryProcess start(Path home, Path java, Path logFile, Duration timeout) {
        Path runJar = findRunJar(home).orElseThrow(() -> new IllegalStateException(
                "no quarkus-run.jar under " + home + " (unpack io.apicurio:apicurio-registry-app:tar.gz:all)"));
        int port = freePort();
        int managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-jar", runJar.toString()));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(runJar.getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            ApicurioRegistryProcess registry = new ApicurioRegistryProcess(p, port, logFile);
            try {
                registry.awaitReady(timeout);
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            log.info("Apicurio Registry ready at {} in {} ms (pid {}, log {})", registry.ccompatUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), p.pid(), logFile);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Apicurio Registry: " + e, e);
        }
    }

    /**
     * A Java 21+ executable: the {@value #JAVA_PROPERTY} system property or {@value #JAVA_ENV} variable (a Java home
     * or a {@code java} binary), else the running JVM if it is 21+, else the newest JDK 21+ under
     * {@code /usr/lib/jvm}.
     */
    public static Optional<Path> findJava21() {
        for (String configured : new String[] {System.getProperty(JAVA_PROPERTY), System.getenv(JAVA_ENV)}) {
            if (configured != null && !configured.isBlank()) {
                Path p = Path.of(configured.trim());
                Path bin = Files.isDirectory(p) ? p.resolve("bin").resolve("java") : p;
                return Files.isExecutable(bin) ? Optional.of(bin) : Optional.empty();
            }
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin").resolve("java")))
                    .filter(h -> featureVersion(h) >= 21)
                    .max((a, b) -> Integer.compare(featureVersion(a), featureVersion(b)))
                    .map(h -> h.resolve("bin").resolve("java"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int featureVersion(Path home) {
        Path release = home.resolve("release");
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major.equals("1") ? v.split("\\.")[1] : major);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static Optional<Path> findRunJar(Path home) {
        try (Stream<Path> files = Files.walk(home, 4)) {
            return files.filter(f -> f.getFileName().toString().equals("quarkus-run.jar")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
                        + " before it was ready; see " + logFile);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
        }
        throw new IllegalStateException("Apicurio Registry not ready after " + timeout + " (" + last + "); see "
                + logFile);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** The child process's id. */
    public long pid() {
        return process.pid();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s). Idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down
        }
    }

    @Override
    public String toString() {
        return "ApicurioRegistryProcess{" + ccompatUrl() + ", pid=" + process.pid() + "}";
    }
}
