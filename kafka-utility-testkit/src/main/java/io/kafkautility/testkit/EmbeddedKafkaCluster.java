package io.kafkautility.testkit;

import io.kafkautility.testkit.internal.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-JVM KRaft cluster built on Kafka's own {@code KafkaClusterTestKit} (kafka-test-common-runtime): one combined
 * broker+controller node, or N brokers plus one controller. Ports are free loopback ports chosen at start; data lives
 * in a temporary directory deleted on {@link #close()}.
 *
 * <p>Start one with {@link KafkaCluster#embedded()} / {@link KafkaCluster#embedded(EmbeddedKafkaOptions)} or
 * {@link #start(EmbeddedKafkaOptions)}. Individual brokers can be shut down and started again on the same port and log
 * directory ({@link #shutdownBroker(int)}, {@link #startBroker(int)}) for replication fault tests.
 *
 * <p>Thread-safety: thread-safe; broker control methods are serialised. Ownership: the creator closes it.
 * Start-up takes about 2 s for one node and about 3 s for three brokers on a 2-core machine.
 */
public final class EmbeddedKafkaCluster implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    private final EmbeddedKafkaOptions options;
    private final KafkaClusterTestKit kit;
    private final String bootstrapServers;
    private final Set<Integer> brokerIds;
    private final Set<Integer> stoppedBrokers = new TreeSet<>();
    private volatile Duration startupDuration;
    private boolean closed;

    private EmbeddedKafkaCluster(EmbeddedKafkaOptions options, KafkaClusterTestKit kit, Duration startupDuration) {
        this.options = options;
        this.kit = kit;
        this.bootstrapServers = kit.bootstrapServers();
        this.brokerIds = Collections.unmodifiableSet(new TreeSet<>(kit.brokers().keySet()));
        this.startupDuration = startupDuration;
    }

    /**
     * Formats and starts a cluster and waits until every broker is registered and answers the Admin API.
     *
     * @throws KafkaTestkitException if it does not start within {@link EmbeddedKafkaOptions#startupTimeout()}
     */
    public static EmbeddedKafkaCluster start(EmbeddedKafkaOptions options) {
        long t0 = System.nanoTime();
        int n = options.brokers();
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(n == 1)
                .setNumBrokerNodes(n)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        options.effectiveBrokerProperties().forEach(builder::setConfigProp);
        KafkaClusterTestKit kit = null;
        try {
            kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(options, kit,
                    Duration.ofNanos(System.nanoTime() - t0));
            cluster.awaitBrokers(cluster.brokerIds, options.startupTimeout());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            cluster.startupDuration = took;
            log.info("Embedded Kafka cluster with {} broker(s) ready at {} in {} ms", n, cluster.bootstrapServers,
                    took.toMillis());
            return cluster;
        } catch (Exception e) {
            if (kit != null) {
                try {
                    kit.close();
                } catch (Exception closeError) {
                    e.addSuppressed(closeError);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof KafkaTestkitException k ? k
                    : new KafkaTestkitException("embedded Kafka cluster (" + options + ") failed to start: " + e, e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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

    /** The options this cluster was started with. */
    public EmbeddedKafkaOptions options() {
        return options;
    }

    /** How long {@link #start} took until the cluster was usable. */
    public Duration startupDuration() {
        return startupDuration;
    }

    /** The broker node ids (0..N-1), sorted, unmodifiable. */
    public Set<Integer> brokerIds() {
        return brokerIds;
    }

    /** The ids of brokers currently shut down by {@link #shutdownBroker(int)}; a copy. */
    public synchronized Set<Integer> stoppedBrokers() {
        return new TreeSet<>(stoppedBrokers);
    }

    /**
     * Shuts one broker down cleanly (controlled shutdown, then wait for it to finish); its port stays reserved for
     * {@link #startBroker(int)}. Only for multi-broker clusters: the single combined node also runs the controller.
     *
     * @throws IllegalArgumentException if there is no such broker
     * @throws IllegalStateException on a single-node cluster or if the broker is already down
     */
    public synchronized void shutdownBroker(int brokerId) {
        BrokerServer broker = broker(brokerId);
        if (options.brokers() == 1) {
            throw new IllegalStateException("shutdownBroker needs a multi-broker cluster; use KafkaBrokerProcess "
                    + "to stop a single broker");
        }
        if (!stoppedBrokers.add(brokerId)) {
            throw new IllegalStateException("broker " + brokerId + " is already shut down");
        }
        long t0 = System.nanoTime();
        broker.shutdown();
        broker.awaitShutdown();
        log.info("Embedded broker {} shut down in {} ms", brokerId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Starts a broker shut down earlier, on the same port and log directory, and waits (up to the start-up timeout)
     * until it is registered and unfenced again. Partition replicas may still be catching up when this returns. The
     * controller accepts the new incarnation only after the old one's session expired
     * ({@code broker.session.timeout.ms}, 4 s by default here), so a restart soon after a shutdown takes that long.
     *
     * @throws IllegalStateException if the broker is not shut down
     */
    public synchronized void startBroker(int brokerId) {
        BrokerServer broker = broker(brokerId);
        if (!stoppedBrokers.contains(brokerId)) {
            throw new IllegalStateException("broker " + brokerId + " is not shut down");
        }
        long t0 = System.nanoTime();
        broker.startup();
        stoppedBrokers.remove(brokerId);
        Set<Integer> running = new TreeSet<>(brokerIds);
        running.removeAll(stoppedBrokers);
        awaitBrokers(running, options.startupTimeout());
        log.info("Embedded broker {} restarted in {} ms", brokerId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private BrokerServer broker(int brokerId) {
        BrokerServer broker = kit.brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + brokerId + "; brokers are " + brokerIds);
        }
        return broker;
    }

    private void awaitBrokers(Set<Integer> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> seen = Set.of();
        Throwable last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() - deadline < 0) {
                try {
                    seen = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes()
                            .get(5, TimeUnit.SECONDS).stream().map(Node::id).collect(Collectors.toSet());
                    if (seen.containsAll(expected)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while waiting for brokers " + expected, e);
        }
        throw new KafkaTestkitException("brokers " + expected + " not all registered after " + timeout
                + " (seen " + seen + ")" + (last == null ? "" : "; last error: " + last), last);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            kit.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KafkaTestkitException("closing embedded Kafka cluster at " + bootstrapServers + " failed", e);
        }
        log.info("Embedded Kafka cluster at {} closed in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster{brokers=" + options.brokers() + ", bootstrapServers=" + bootstrapServers + '}';
    }
}
