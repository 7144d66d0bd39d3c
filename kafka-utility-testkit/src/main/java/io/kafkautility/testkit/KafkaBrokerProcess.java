package io.kafkautility.testkit;

import io.kafkautility.testkit.internal.BrokerLauncher;
import io.kafkautility.testkit.internal.FreePorts;
import io.kafkautility.testkit.internal.Signals;
import io.kafkautility.testkit.internal.Topics;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Kafka broker (KRaft, combined broker+controller) running in a child JVM, for tests that kill, pause or
 * restart a broker. The child runs {@code kafka.Kafka} after formatting its storage; it listens on free loopback ports
 * fixed when this object is created, so {@link #restart()} comes back on the same ports and log directory.
 *
 * <pre>{@code
 * try (KafkaBrokerProcess broker = KafkaBrokerProcess.create(BrokerProcessOptions.defaults()).start()) {
 *     broker.createTopic("t", 1, (short) 1);
 *     broker.kill();      // SIGKILL
 *     broker.start();     // same ports, same data
 * }
 * }</pre>
 *
 * <p>Readiness is checked through the Admin API (describeCluster on the broker's internal PLAINTEXT listener) with a
 * deadline, never by reading the log. The child's stdout and stderr go to {@code broker.log} in {@link #directory()}
 * ({@link #logTail(int)} returns its end for failure messages). Signals go to the child's own PID only.
 *
 * <p>Thread-safety: all methods are thread-safe (serialised). Ownership: the creator must {@link #close()} it, which
 * kills the child and deletes a temporary directory; a JVM shutdown hook kills the child if the test JVM exits first.
 * Throws {@link KafkaTestkitException} when the child cannot be started or does not become ready; the message includes
 * the tail of the broker log.
 */
public final class KafkaBrokerProcess implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);
    private static final int NODE_ID = 1;

    /** Life-cycle state of the child process as last commanded by this object. */
    public enum State { NEW, RUNNING, PAUSED, STOPPED, CLOSED }

    private final BrokerProcessOptions options;
    private final Path directory;
    private final boolean deleteDirectory;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int clientPort;
    private final int internalPort;
    private final int controllerPort;
    private final Path configFile;
    private final Path logFile;
    private Process process;
    private Thread shutdownHook;
    private State state = State.NEW;
    private Duration lastStartDuration = Duration.ZERO;

    private KafkaBrokerProcess(BrokerProcessOptions options) throws IOException {
        this.options = options;
        if (options.directory().isPresent()) {
            this.directory = Files.createDirectories(options.directory().get());
            this.deleteDirectory = false;
        } else {
            this.directory = Files.createTempDirectory("kafka-broker-");
            this.deleteDirectory = true;
        }
        int[] ports = FreePorts.allocate(3);
        this.clientPort = options.clientPort() != 0 ? options.clientPort() : ports[0];
        this.internalPort = ports[1];
        this.controllerPort = ports[2];
        this.configFile = directory.resolve("server.properties");
        this.logFile = directory.resolve("broker.log");
        writeConfig();
    }

    /**
     * Prepares (but does not start) a broker: picks its ports, creates its directory and writes its
     * {@code server.properties}. Call {@link #start()} next.
     *
     * @throws KafkaTestkitException if the directory or config cannot be written
     */
    public static KafkaBrokerProcess create(BrokerProcessOptions options) {
        try {
            return new KafkaBrokerProcess(options);
        } catch (IOException e) {
            throw new KafkaTestkitException("cannot prepare broker process directory: " + e, e);
        }
    }

    /** Creates and starts a broker with the given options; see {@link #create} and {@link #start()}. */
    public static KafkaBrokerProcess startNew(BrokerProcessOptions options) {
        KafkaBrokerProcess broker = create(options);
        try {
            return broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private void writeConfig() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "CLIENT://127.0.0.1:" + clientPort + ",INTERNAL://127.0.0.1:" + internalPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENT://" + options.advertisedListener().orElse("127.0.0.1:" + clientPort)
                + ",INTERNAL://127.0.0.1:" + internalPort);
        p.put("listener.security.protocol.map", "CLIENT:" + options.clientSecurityProtocol().name
                + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", directory.resolve("data").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // after a SIGKILL the restarted controller only accepts the new incarnation once the old session expired
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", Boolean.toString(options.autoCreateTopics()));
        p.putAll(options.serverProperties());
        if (p.containsKey("authorizer.class.name")
                && options.clientSecurityProtocol() != org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT) {
            // INTERNAL and CONTROLLER are PLAINTEXT, so the broker talks to itself as User:ANONYMOUS
            String su = p.getOrDefault("super.users", "");
            if (!java.util.Arrays.asList(su.split(";")).contains("User:ANONYMOUS")) {
                p.put("super.users", su.isBlank() ? "User:ANONYMOUS" : su + ";User:ANONYMOUS");
            }
        }
        Properties props = new Properties();
        props.putAll(p);
        try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            props.store(w, "written by kafka-utility-testkit KafkaBrokerProcess");
        }
    }

    /**
     * Starts the child JVM (formatting storage on first start) and waits until the broker answers the Admin API.
     * Allowed when the broker is new or stopped/killed.
     *
     * @return this
     * @throws IllegalStateException if it is running, paused or closed
     * @throws KafkaTestkitException if the child exits or is not ready within the start-up timeout (the child is then
     *     killed; the message carries the tail of its log)
     */
    public synchronized KafkaBrokerProcess start() {
        if (state != State.NEW && state != State.STOPPED) {
            throw new IllegalStateException("cannot start a broker that is " + state);
        }
        long t0 = System.nanoTime();
        List<String> cmd = new ArrayList<>();
        cmd.add(options.javaExecutable());
        cmd.addAll(options.jvmArgs());
        cmd.add("-Dkafka.logs.dir=" + directory.resolve("logs"));
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-Dorg.slf4j.simpleLogger.log.kafka=info");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
        cmd.add("-Dorg.slf4j.simpleLogger.log.state.change.logger=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(BrokerLauncher.class.getName());
        cmd.add(configFile.toString());
        cmd.add(clusterId);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().remove("KAFKA_OPTS");
        try {
            appendLog("==== kafka-utility-testkit: starting broker (" + (state == State.NEW ? "first start" : "restart")
                    + ") ====");
            process = pb.start();
        } catch (IOException e) {
            throw new KafkaTestkitException("cannot start broker JVM " + options.javaExecutable() + ": " + e, e);
        }
        if (shutdownHook == null) {
            Process child = process;
            shutdownHook = new Thread(() -> destroyTree(child), "kafka-broker-process-reaper-" + child.pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            replaceShutdownHook();
        }
        state = State.RUNNING;
        try {
            awaitReady(options.startupTimeout());
        } catch (RuntimeException e) {
            killQuietly();
            state = State.STOPPED;
            throw e;
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Kafka broker process pid {} ready at {} in {} ms", process.pid(), bootstrapServers(),
                lastStartDuration.toMillis());
        return this;
    }

    private void replaceShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            return; // JVM is already shutting down; the old hook handles it
        }
        Process child = process;
        shutdownHook = new Thread(() -> destroyTree(child), "kafka-broker-process-reaper-" + child.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static void destroyTree(Process p) {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    private String classpath() {
        if (options.classpath().isEmpty()) {
            return System.getProperty("java.class.path");
        }
        String cp = options.classpath().get();
        String own = ownCodeSource();
        return own == null ? cp : cp + File.pathSeparator + own;
    }

    private static String ownCodeSource() {
        CodeSource cs = BrokerLauncher.class.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + internalPort);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        Throwable last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    throw new KafkaTestkitException("broker process exited with code " + process.exitValue()
                            + " during start-up; log tail:\n" + logTail(40));
                }
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes()
                            .get(4, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while waiting for the broker process", e);
        }
        throw new KafkaTestkitException("broker process pid " + process.pid() + " not ready after " + timeout
                + (last == null ? "" : " (last error: " + last + ")") + "; log tail:\n" + logTail(40), last);
    }

    /** Sends SIGKILL to the child and waits until it is gone. No-op unless running or paused. */
    public synchronized void kill() {
        if (state != State.RUNNING && state != State.PAUSED) {
            return;
        }
        long pid = process.pid();
        killQuietly();
        state = State.STOPPED;
        log.info("Kafka broker process pid {} killed (SIGKILL)", pid);
    }

    private void killQuietly() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new KafkaTestkitException("broker process pid " + process.pid() + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while killing broker process", e);
        }
        appendLog("==== kafka-utility-testkit: broker process " + process.pid() + " exited with "
                + process.exitValue() + " ====");
    }

    /**
     * Sends SIGTERM (a clean, controlled shutdown) and waits up to the stop timeout, then SIGKILL. A paused broker is
     * resumed first so it can handle the signal. No-op unless running or paused.
     */
    public synchronized void stop() {
        if (state != State.RUNNING && state != State.PAUSED) {
            return;
        }
        if (state == State.PAUSED) {
            signal("CONT");
        }
        long t0 = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka broker process pid {} did not stop within {}; sending SIGKILL", process.pid(),
                        options.stopTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while stopping broker process", e);
        } finally {
            killQuietly();
            state = State.STOPPED;
        }
        log.info("Kafka broker process pid {} stopped (SIGTERM) in {} ms", process.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Sends SIGSTOP: the broker freezes with its sockets open (clients see timeouts, not refusals). */
    public synchronized void pause() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("cannot pause a broker that is " + state);
        }
        signal("STOP");
        state = State.PAUSED;
        log.info("Kafka broker process pid {} paused (SIGSTOP)", process.pid());
    }

    /**
     * Brings the broker back to running whatever a previous test left it in: resumes it if paused, starts it if new or
     * stopped (killed), does nothing if running. For a broker shared by the tests of a class ({@code @BeforeEach}).
     *
     * @return this
     * @throws IllegalStateException if it is closed
     */
    public synchronized KafkaBrokerProcess ensureRunning() {
        switch (state) {
            case PAUSED -> resume();
            case NEW, STOPPED -> start();
            case RUNNING -> { }
            case CLOSED -> throw new IllegalStateException("broker process is closed");
            default -> throw new IllegalStateException(state.name());
        }
        return this;
    }

    /** Sends SIGCONT to a paused broker. */
    public synchronized void resume() {
        if (state != State.PAUSED) {
            throw new IllegalStateException("cannot resume a broker that is " + state);
        }
        signal("CONT");
        state = State.RUNNING;
        log.info("Kafka broker process pid {} resumed (SIGCONT)", process.pid());
    }

    /** {@link #stop()} (if running) then {@link #start()}: same ports, same data. */
    public synchronized KafkaBrokerProcess restart() {
        stop();
        return start();
    }

    private void signal(String signal) {
        Signals.send(process.pid(), signal);
    }

    /** PID of the current child JVM. @throws IllegalStateException if it was never started */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("broker process was never started");
        }
        return process.pid();
    }

    public synchronized State state() {
        return state;
    }

    /** Whether the child JVM is alive (a paused one is alive). */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How long the last {@link #start()} took until the broker answered the Admin API. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** The real client listener address {@code 127.0.0.1:port} (not the advertised override). */
    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /** The real client listener address (what a fault proxy in front of this broker forwards to). */
    public java.net.InetSocketAddress clientAddress() {
        return new java.net.InetSocketAddress("127.0.0.1", clientPort);
    }

    /** The broker's working directory: {@code server.properties}, {@code data/}, {@code broker.log}. */
    public Path directory() {
        return directory;
    }

    /** The Kafka data directory ({@code log.dirs}). */
    public Path logDir() {
        return directory.resolve("data");
    }

    /** The file receiving the child's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The last {@code lines} lines of {@link #logFile()} (reads at most the last 64 KiB); "" if there is none. */
    public String logTail(int lines) {
        if (!Files.exists(logFile)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 65_536);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private void appendLog(String line) {
        try {
            Files.writeString(logFile, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.debug("cannot append to {}", logFile, e);
        }
    }

    @Override
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(options.clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    @Override
    public Admin admin() {
        return Admin.create(clientProperties());
    }

    @Override
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            Topics.createAndAwait(admin, topics, DEFAULT_TOPIC_TIMEOUT);
        }
    }

    /** Kills the child (SIGKILL), removes the shutdown hook and deletes a temporary directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (process != null && process.isAlive()) {
            killQuietly();
        }
        state = State.CLOSED;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM shutting down
            }
        }
        if (deleteDirectory) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot delete broker directory {}: {}", directory, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaBrokerProcess{bootstrapServers=" + bootstrapServers() + ", state=" + state
                + (process != null ? ", pid=" + process.pid() : "") + ", directory=" + directory + '}';
    }
}
