package io.kafkautility.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Immutable options for a {@link KafkaBrokerProcess}. Build with {@link #builder()}; setters validate at the call.
 *
 * <p>Defaults: JVM args {@code -Xmx512m -XX:+UseSerialGC}, the {@code java} of the running JVM, the running JVM's
 * class path (which holds {@code kafka_2.13} and its dependencies wherever the testkit is a dependency), a free loopback
 * port for the client listener, PLAINTEXT clients, a fresh temporary directory, start-up timeout 60 s, stop timeout
 * 30 s, {@code auto.create.topics.enable=false}, and the single-node settings (replication factors 1,
 * {@code group.initial.rebalance.delay.ms=0}, {@code broker.session.timeout.ms=4000} and
 * {@code broker.heartbeat.interval.ms=1000} so a restart after SIGKILL is not held up 9 s by the old session).
 *
 * <p>Security seam: {@link Builder#clientSecurityProtocol(SecurityProtocol)} sets the protocol of the client listener
 * (named {@code CLIENT}); listener-specific settings go in as server properties keyed by Kafka's names (e.g.
 * {@code listener.name.client.plain.sasl.jaas.config}, {@code ssl.keystore.location}); what clients need goes in
 * {@link Builder#clientProperty(String, Object)} and is handed out by {@link KafkaBrokerProcess#clientProperties()}.
 * The broker always has a second PLAINTEXT listener {@code INTERNAL} (inter-broker and the testkit's readiness check),
 * never advertised to clients of {@code CLIENT}. With an {@code authorizer.class.name} and a non-PLAINTEXT client
 * listener, {@code User:ANONYMOUS} (the broker's own principal on INTERNAL and CONTROLLER) is added to
 * {@code super.users}; with a PLAINTEXT client listener that is left to the caller, because it would make every client
 * a super user. {@link #toString()} shows keys, never values.
 */
public final class BrokerProcessOptions {
    private final List<String> jvmArgs;
    private final String javaExecutable;
    private final Optional<String> classpath;
    private final int clientPort;
    private final Optional<String> advertisedListener;
    private final SecurityProtocol clientSecurityProtocol;
    private final Map<String, String> serverProperties;
    private final Map<String, Object> clientProperties;
    private final Optional<Path> directory;
    private final Duration startupTimeout;
    private final Duration stopTimeout;
    private final boolean autoCreateTopics;

    private BrokerProcessOptions(Builder b) {
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.javaExecutable = b.javaExecutable;
        this.classpath = Optional.ofNullable(b.classpath);
        this.clientPort = b.clientPort;
        this.advertisedListener = Optional.ofNullable(b.advertisedListener);
        this.clientSecurityProtocol = b.clientSecurityProtocol;
        this.serverProperties = Map.copyOf(b.serverProperties);
        this.clientProperties = Map.copyOf(b.clientProperties);
        this.directory = Optional.ofNullable(b.directory);
        this.startupTimeout = b.startupTimeout;
        this.stopTimeout = b.stopTimeout;
        this.autoCreateTopics = b.autoCreateTopics;
    }

    public static BrokerProcessOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> jvmArgs() {
        return jvmArgs;
    }

    public String javaExecutable() {
        return javaExecutable;
    }

    /** The class path override, if any; empty means the running JVM's {@code java.class.path}. */
    public Optional<String> classpath() {
        return classpath;
    }

    /** The client listener port; 0 means a free port chosen when the process object is created. */
    public int clientPort() {
        return clientPort;
    }

    /** {@code host:port} advertised to clients of the client listener instead of the real address, if set. */
    public Optional<String> advertisedListener() {
        return advertisedListener;
    }

    public SecurityProtocol clientSecurityProtocol() {
        return clientSecurityProtocol;
    }

    public Map<String, String> serverProperties() {
        return serverProperties;
    }

    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /** The working directory (config, data, broker.log); empty means a fresh temporary one, deleted on close. */
    public Optional<Path> directory() {
        return directory;
    }

    public Duration startupTimeout() {
        return startupTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    @Override
    public String toString() {
        return "BrokerProcessOptions{jvmArgs=" + jvmArgs + ", clientPort=" + clientPort + ", advertisedListener="
                + advertisedListener.orElse("-") + ", clientSecurityProtocol=" + clientSecurityProtocol
                + ", serverProperties=" + serverProperties.keySet() + ", clientProperties="
                + clientProperties.keySet() + ", startupTimeout=" + startupTimeout + '}';
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        private String javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private String classpath;
        private int clientPort;
        private String advertisedListener;
        private SecurityProtocol clientSecurityProtocol = SecurityProtocol.PLAINTEXT;
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private Path directory;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private boolean autoCreateTopics;

        private Builder() {
        }

        /** Replaces the JVM arguments (default {@code -Xmx512m -XX:+UseSerialGC}). */
        public Builder jvmArgs(List<String> args) {
            Objects.requireNonNull(args, "jvmArgs");
            args.forEach(a -> Objects.requireNonNull(a, "jvmArgs element"));
            jvmArgs.clear();
            jvmArgs.addAll(args);
            return this;
        }

        /** Adds one JVM argument to the current list. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "jvmArg"));
            return this;
        }

        public Builder javaExecutable(String javaExecutable) {
            if (javaExecutable == null || javaExecutable.isBlank()) {
                throw new IllegalArgumentException("javaExecutable must not be blank");
            }
            this.javaExecutable = javaExecutable;
            return this;
        }

        /** Class path of the child JVM; must contain {@code kafka_2.13} and its dependencies. */
        public Builder classpath(String classpath) {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("classpath must not be blank");
            }
            this.classpath = classpath;
            return this;
        }

        /** Fixed client listener port (1..65535), or 0 for a free one (default). */
        public Builder clientPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("clientPort must be between 0 and 65535 but was " + port);
            }
            this.clientPort = port;
            return this;
        }

        /**
         * {@code host:port} the broker advertises on its client listener, e.g. a {@code TcpFaultProxy} in front of it
         * (otherwise clients bypass the proxy after bootstrap).
         */
        public Builder advertisedListener(String hostPort) {
            if (hostPort == null || !hostPort.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("advertisedListener must be host:port but was " + hostPort);
            }
            this.advertisedListener = hostPort;
            return this;
        }

        public Builder clientSecurityProtocol(SecurityProtocol protocol) {
            this.clientSecurityProtocol = Objects.requireNonNull(protocol, "clientSecurityProtocol");
            return this;
        }

        /** A server.properties setting keyed by Kafka's own name; overrides the testkit's defaults. */
        public Builder serverProperty(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, () -> "value of server property " + key);
            if (key.isBlank()) {
                throw new IllegalArgumentException("server property key must not be blank");
            }
            serverProperties.put(key, String.valueOf(value));
            return this;
        }

        public Builder serverProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties").forEach(this::serverProperty);
            return this;
        }

        /** A setting every client of this broker needs (e.g. {@code security.protocol}, {@code sasl.jaas.config}). */
        public Builder clientProperty(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, () -> "value of client property " + key);
            clientProperties.put(key, value);
            return this;
        }

        /** Working directory; created if missing and not deleted on close. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = positive(timeout, "startupTimeout");
            return this;
        }

        /** How long {@link KafkaBrokerProcess#stop()} waits after SIGTERM before SIGKILL. Default 30 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = positive(timeout, "stopTimeout");
            return this;
        }

        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }

        /**
         * @throws IllegalArgumentException if a server property would break the testkit's listener layout
         */
        public BrokerProcessOptions build() {
            for (String reserved : List.of("listeners", "advertised.listeners", "process.roles", "node.id",
                    "controller.quorum.voters", "controller.quorum.bootstrap.servers", "log.dirs",
                    "controller.listener.names", "inter.broker.listener.name")) {
                if (serverProperties.containsKey(reserved)) {
                    throw new IllegalArgumentException("server property " + reserved + " is managed by "
                            + "KafkaBrokerProcess; use clientPort/advertisedListener/clientSecurityProtocol instead");
                }
            }
            return new BrokerProcessOptions(this);
        }
    }
}
