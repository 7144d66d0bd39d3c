package io.kafkautility.config;

import io.kafkautility.internal.config.DefaultConnectivityCheck;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A start-up check that tells in plain words what is wrong with a cluster connection, within a bounded time.
 *
 * <pre>{@code
 * ConnectivityCheck.builder(options).writeTopics("rag.documents").timeout(Duration.ofSeconds(10)).run().throwIfFailed();
 * }</pre>
 *
 * <p>For each bootstrap address it opens a raw socket and probes the protocol itself, because kafka-clients reports
 * most of these only as "Topic X not present in metadata after N ms": unknown host, nothing listening, unreachable,
 * not a Kafka server, a TLS port used without TLS or a plain port used with TLS, a SASL port used without SASL (or the
 * reverse), a SASL mechanism the broker does not enable. The probe sends only Kafka's ApiVersions and SaslHandshake
 * requests (no credentials) and a TLS handshake that does not verify the certificate (its only purpose is to find out
 * whether the port speaks TLS). Then an Admin client with the full configuration checks TLS trust, authentication,
 * cluster access, each topic (exists; the principal may write / read it, when the broker reports authorized
 * operations) and each consumer group (the principal may join it).
 *
 * <p>Thread-safe and stateless; each {@link Builder#run()} opens and closes its own sockets and Admin client and
 * returns within about the timeout. Never throws for a connectivity problem: it reports it.
 */
public final class ConnectivityCheck {

    /** Default bound on the whole check. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private ConnectivityCheck() {
    }

    /** A check of the given connection. */
    public static Builder builder(KafkaConnectionOptions options) {
        return new Builder(options);
    }

    /** Runs a check of the connection alone (no topics) with the default timeout. */
    public static ConnectivityReport run(KafkaConnectionOptions options) {
        return builder(options).run();
    }

    /** Configures and runs a check. Not thread-safe. */
    public static final class Builder {
        private final KafkaConnectionOptions options;
        private final Set<String> writeTopics = new LinkedHashSet<>();
        private final Set<String> readTopics = new LinkedHashSet<>();
        private final Set<String> consumerGroups = new LinkedHashSet<>();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(KafkaConnectionOptions options) {
            this.options = Objects.requireNonNull(options, "options");
        }

        /** Topics that must exist and that the principal must be allowed to write. */
        public Builder writeTopics(String... topics) {
            writeTopics.addAll(Arrays.asList(topics));
            return this;
        }

        /** Topics that must exist and that the principal must be allowed to read. */
        public Builder readTopics(String... topics) {
            readTopics.addAll(Arrays.asList(topics));
            return this;
        }

        /**
         * Consumer groups the principal must be allowed to join (READ on the group). A group that does not exist yet is
         * not a problem (its first member creates it); for such a group only a principal without any ACL on it (not
         * even DESCRIBE) is reported, because the broker tells the operations allowed on existing groups only.
         */
        public Builder consumerGroups(String... groups) {
            consumerGroups.addAll(Arrays.asList(groups));
            return this;
        }

        /** Bound on the whole check (&gt; 0); {@link #DEFAULT_TIMEOUT} by default. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new ConfigurationException("timeout must be > 0 but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Runs the check. */
        public ConnectivityReport run() {
            return new DefaultConnectivityCheck(options, Set.copyOf(writeTopics), Set.copyOf(readTopics),
                    Set.copyOf(consumerGroups), timeout).run();
        }
    }
}
