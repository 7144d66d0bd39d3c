package io.kafkautility.testkit.internal;

import io.kafkautility.testkit.KafkaCluster;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** A cluster the testkit did not start; see {@link KafkaCluster#external(String, Map)}. Thread-safe. */
public final class ExternalKafkaCluster implements KafkaCluster {
    private final String bootstrapServers;
    private final Map<String, Object> clientProperties;

    public ExternalKafkaCluster(String bootstrapServers, Map<String, ?> clientProperties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        this.bootstrapServers = bootstrapServers.trim();
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        this.clientProperties = Map.copyOf(props);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, Object> clientProperties() {
        return new HashMap<>(clientProperties);
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

    @Override
    public void close() {
        // nothing to release: the external cluster is not ours
    }

    @Override
    public String toString() {
        return "ExternalKafkaCluster{bootstrapServers=" + bootstrapServers + ", clientProperties="
                + clientProperties.keySet() + '}';
    }
}
