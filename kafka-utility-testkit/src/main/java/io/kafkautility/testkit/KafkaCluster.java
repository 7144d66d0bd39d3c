package io.kafkautility.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A Kafka cluster a test talks to: either started by the test itself ({@link EmbeddedKafkaCluster}, in this JVM) or an
 * external one reached by its bootstrap address ({@link #external(String)}, e.g. from {@code KAFKA_BOOTSTRAP_SERVERS}).
 *
 * <p>Thread-safety: implementations are thread-safe. Ownership: whoever creates a cluster closes it; a cluster injected
 * by {@link io.kafkautility.testkit.junit.KafkaClusterExtension} is owned and closed by JUnit, never by the test.
 * Closing an external cluster only forgets it (the cluster itself keeps running).
 */
public interface KafkaCluster extends AutoCloseable {

    /** Name of the environment variable (and system property) that points the test suite at an external cluster. */
    String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    /** Default time {@link #createTopics(Collection)} waits for new topics to have a leader on every partition. */
    Duration DEFAULT_TOPIC_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Starts an in-JVM single-node KRaft cluster with default options (see {@link EmbeddedKafkaOptions}).
     *
     * @throws io.kafkautility.testkit.KafkaTestkitException if the cluster does not start
     */
    static EmbeddedKafkaCluster embedded() {
        return EmbeddedKafkaCluster.start(EmbeddedKafkaOptions.defaults());
    }

    /** Starts an in-JVM KRaft cluster with the given options. */
    static EmbeddedKafkaCluster embedded(EmbeddedKafkaOptions options) {
        return EmbeddedKafkaCluster.start(options);
    }

    /**
     * An already running cluster reached at {@code bootstrapServers}; nothing is started or checked here.
     *
     * @throws IllegalArgumentException if {@code bootstrapServers} is blank
     */
    static KafkaCluster external(String bootstrapServers) {
        return new io.kafkautility.testkit.internal.ExternalKafkaCluster(bootstrapServers, Map.of());
    }

    /**
     * An already running cluster with extra client properties (e.g. security settings) that every client of it needs.
     * The properties are copied; {@code toString()} never shows their values.
     */
    static KafkaCluster external(String bootstrapServers, Map<String, ?> clientProperties) {
        return new io.kafkautility.testkit.internal.ExternalKafkaCluster(bootstrapServers, clientProperties);
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    String bootstrapServers();

    /**
     * Properties every client of this cluster needs: at least {@code bootstrap.servers}, plus security settings when
     * the cluster requires them. A fresh mutable copy each call, so callers may add their own settings.
     */
    Map<String, Object> clientProperties();

    /**
     * A new Admin client for this cluster. The caller owns it and must close it.
     */
    Admin admin();

    /**
     * Creates the topics and waits (up to {@link #DEFAULT_TOPIC_TIMEOUT}) until every partition has a leader, so
     * producers and consumers can use them at once. Topics that already exist with the same name are accepted.
     *
     * @throws KafkaTestkitException if creation fails or the topics do not become usable in time
     */
    void createTopics(Collection<NewTopic> topics);

    /** Varargs form of {@link #createTopics(Collection)}. */
    default void createTopics(NewTopic... topics) {
        createTopics(Arrays.asList(topics));
    }

    /** Creates one topic and waits until it is usable; see {@link #createTopics(Collection)}. */
    default void createTopic(String name, int partitions, short replicationFactor) {
        createTopics(List.of(new NewTopic(name, partitions, replicationFactor)));
    }

    /** Creates topics with one partition and the cluster's default replication factor and waits until usable. */
    default void createTopics(String... names) {
        createTopics(Arrays.stream(names).map(n -> new NewTopic(n, Optional.of(1), Optional.empty())).toList());
    }

    /** Releases what this object holds (an embedded cluster is shut down and its data deleted). Idempotent. */
    @Override
    void close();
}
