package io.kafkautility.config;

import io.kafkautility.internal.config.JaasConfigs;
import io.kafkautility.internal.config.KafkaSecretKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach one Kafka cluster: bootstrap servers, security (TLS, SASL), client id, consumer group id, schema
 * registry URL, and raw Kafka client properties passed through untouched under Kafka's own keys.
 *
 * <p><b>Sources and precedence.</b> A value set on the {@link Builder} wins; a value the builder did not set is taken
 * from the builder's {@link Builder#environment(EnvironmentSource) environment} ({@code KAFKA_*} variables, see the
 * {@code ENV_*} constants). {@link #fromEnvironment()} uses {@link EnvironmentSource#standard()}: process environment
 * variables, then a {@code .env} file in the working directory. A plain {@link #builder()} reads no environment at all.
 *
 * <pre>{@code
 * KafkaConnectionOptions options = KafkaConnectionOptions.fromEnvironment()
 *         .clientId("document-service")
 *         .kafkaProperty(ProducerConfig.LINGER_MS_CONFIG, 0)
 *         .build();
 * }</pre>
 *
 * <p><b>Validation.</b> Each builder method rejects a value that is wrong in itself at the call. {@link Builder#build()}
 * then checks everything together (values read from the environment included) and throws one
 * {@link ConfigurationException} listing every problem.
 *
 * <p><b>Secrets.</b> Passwords are {@link Secret}s; the SASL JAAS configuration is built internally and handed to the
 * Kafka client as Kafka's hidden {@code Password}. {@link #toString()}, exception messages and logs never contain them.
 *
 * <p>Immutable and thread-safe. Holds no resources (nothing to close).
 */
public final class KafkaConnectionOptions {

    /** Comma-separated {@code host:port} list. Required (here or in the builder). */
    public static final String ENV_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    /** {@code PLAINTEXT} (default), {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. */
    public static final String ENV_SECURITY_PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
    /** {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
    public static final String ENV_SASL_MECHANISM = "KAFKA_SASL_MECHANISM";
    /** SASL user name. */
    public static final String ENV_SASL_USERNAME = "KAFKA_SASL_USERNAME";
    /** SASL password (a secret). */
    public static final String ENV_SASL_PASSWORD = "KAFKA_SASL_PASSWORD";
    /** Path of the TLS trust store. */
    public static final String ENV_SSL_TRUSTSTORE_LOCATION = "KAFKA_SSL_TRUSTSTORE_LOCATION";
    /** Password of the TLS trust store (a secret). */
    public static final String ENV_SSL_TRUSTSTORE_PASSWORD = "KAFKA_SSL_TRUSTSTORE_PASSWORD";
    /** Path of the TLS key store (client certificate). */
    public static final String ENV_SSL_KEYSTORE_LOCATION = "KAFKA_SSL_KEYSTORE_LOCATION";
    /** Password of the TLS key store (a secret). */
    public static final String ENV_SSL_KEYSTORE_PASSWORD = "KAFKA_SSL_KEYSTORE_PASSWORD";
    /** Base URL of a Confluent-compatible schema registry. */
    public static final String ENV_SCHEMA_REGISTRY_URL = "KAFKA_SCHEMA_REGISTRY_URL";
    /** Consumer group id. */
    public static final String ENV_CONSUMER_GROUP_ID = "KAFKA_CONSUMER_GROUP_ID";
    /** Kafka {@code client.id}. */
    public static final String ENV_CLIENT_ID = "KAFKA_CLIENT_ID";

    /** SASL mechanisms for which the JAAS configuration is built from user name and password. */
    public static final Set<String> SUPPORTED_SASL_MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** Keys the typed settings own; passing them through {@link Builder#kafkaProperty} as well is a conflict. */
    private static final Set<String> TYPED_KEYS = Set.of(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SaslConfigs.SASL_MECHANISM,
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            CommonClientConfigs.CLIENT_ID_CONFIG, CommonClientConfigs.GROUP_ID_CONFIG);

    private final List<String> bootstrapServers;
    private final SecurityProtocol securityProtocol;
    private final String saslMechanism;
    private final String saslUsername;
    private final Secret saslPassword;
    private final Path sslTruststoreLocation;
    private final Secret sslTruststorePassword;
    private final Path sslKeystoreLocation;
    private final Secret sslKeystorePassword;
    private final URI schemaRegistryUrl;
    private final String consumerGroupId;
    private final String clientId;
    private final Map<String, Object> kafkaProperties;

    private KafkaConnectionOptions(Resolved r) {
        this.bootstrapServers = List.copyOf(r.bootstrapServers);
        this.securityProtocol = r.securityProtocol;
        this.saslMechanism = r.saslMechanism;
        this.saslUsername = r.saslUsername;
        this.saslPassword = r.saslPassword;
        this.sslTruststoreLocation = r.sslTruststoreLocation;
        this.sslTruststorePassword = r.sslTruststorePassword;
        this.sslKeystoreLocation = r.sslKeystoreLocation;
        this.sslKeystorePassword = r.sslKeystorePassword;
        this.schemaRegistryUrl = r.schemaRegistryUrl;
        this.consumerGroupId = r.consumerGroupId;
        this.clientId = r.clientId;
        this.kafkaProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(r.kafkaProperties));
    }

    /** A builder that reads no environment (only what you set). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder falling back to {@link EnvironmentSource#standard()} (environment variables, then {@code ./.env}). */
    public static Builder fromEnvironment() {
        return new Builder().environment(EnvironmentSource.standard());
    }

    /** A builder falling back to the given environment for every value it does not set. */
    public static Builder fromEnvironment(EnvironmentSource environment) {
        return new Builder().environment(environment);
    }

    /** A builder holding these options' values (no environment), to derive variants. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.securityProtocol = securityProtocol;
        b.saslMechanism = saslMechanism;
        b.saslUsername = saslUsername;
        b.saslPassword = saslPassword;
        b.sslTruststoreLocation = sslTruststoreLocation;
        b.sslTruststorePassword = sslTruststorePassword;
        b.sslKeystoreLocation = sslKeystoreLocation;
        b.sslKeystorePassword = sslKeystorePassword;
        b.schemaRegistryUrl = schemaRegistryUrl;
        b.consumerGroupId = consumerGroupId;
        b.clientId = clientId;
        b.kafkaProperties.putAll(kafkaProperties);
        return b;
    }

    /** The {@code host:port} bootstrap addresses; never empty, unmodifiable. */
    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    /** The security protocol; {@link SecurityProtocol#PLAINTEXT} by default. */
    public SecurityProtocol securityProtocol() {
        return securityProtocol;
    }

    /** The SASL mechanism, when SASL is used. */
    public Optional<String> saslMechanism() {
        return Optional.ofNullable(saslMechanism);
    }

    /** The SASL user name, when set. */
    public Optional<String> saslUsername() {
        return Optional.ofNullable(saslUsername);
    }

    /** The SASL password, when set. */
    public Optional<Secret> saslPassword() {
        return Optional.ofNullable(saslPassword);
    }

    /** The TLS trust store file, when set. */
    public Optional<Path> sslTruststoreLocation() {
        return Optional.ofNullable(sslTruststoreLocation);
    }

    /** The TLS trust store password, when set. */
    public Optional<Secret> sslTruststorePassword() {
        return Optional.ofNullable(sslTruststorePassword);
    }

    /** The TLS key store file, when set. */
    public Optional<Path> sslKeystoreLocation() {
        return Optional.ofNullable(sslKeystoreLocation);
    }

    /** The TLS key store password, when set. */
    public Optional<Secret> sslKeystorePassword() {
        return Optional.ofNullable(sslKeystorePassword);
    }

    /** The schema registry base URL, when set. */
    public Optional<URI> schemaRegistryUrl() {
        return Optional.ofNullable(schemaRegistryUrl);
    }

    /** The consumer group id, when set (consumers need one; producers ignore it). */
    public Optional<String> consumerGroupId() {
        return Optional.ofNullable(consumerGroupId);
    }

    /** The Kafka {@code client.id}, when set. */
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /** The raw Kafka properties passed through, as given (unmodifiable). */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /**
     * The Kafka client properties for this connection: {@code bootstrap.servers}, {@code security.protocol}, SASL (with
     * the JAAS configuration built here), TLS stores, {@code client.id}, then every raw property passed through.
     * {@code group.id} is not included (see {@link #consumerGroupId()}). Secret values are Kafka {@link Password}s, so
     * printing the map shows {@code [hidden]}. A fresh mutable map on each call.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name());
        if (saslMechanism != null) {
            p.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
        }
        if (saslUsername != null && saslPassword != null) {
            p.put(SaslConfigs.SASL_JAAS_CONFIG,
                    new Password(JaasConfigs.forMechanism(saslMechanism, saslUsername, saslPassword.reveal())));
        }
        if (sslTruststoreLocation != null) {
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, sslTruststoreLocation.toString());
        }
        if (sslTruststorePassword != null) {
            p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(sslTruststorePassword.reveal()));
        }
        if (sslKeystoreLocation != null) {
            p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, sslKeystoreLocation.toString());
        }
        if (sslKeystorePassword != null) {
            p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, new Password(sslKeystorePassword.reveal()));
        }
        if (clientId != null) {
            p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        }
        p.putAll(kafkaProperties);
        KafkaSecretKeys.hidePasswords(p);
        return p;
    }

    /** A short, secret-free description of the cluster, e.g. {@code [127.0.0.1:9092] SASL_SSL}. */
    public String describeCluster() {
        return bootstrapServers + " " + securityProtocol;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KafkaConnectionOptions other)) {
            return false;
        }
        return bootstrapServers.equals(other.bootstrapServers) && securityProtocol == other.securityProtocol
                && Objects.equals(saslMechanism, other.saslMechanism) && Objects.equals(saslUsername, other.saslUsername)
                && Objects.equals(saslPassword, other.saslPassword)
                && Objects.equals(sslTruststoreLocation, other.sslTruststoreLocation)
                && Objects.equals(sslTruststorePassword, other.sslTruststorePassword)
                && Objects.equals(sslKeystoreLocation, other.sslKeystoreLocation)
                && Objects.equals(sslKeystorePassword, other.sslKeystorePassword)
                && Objects.equals(schemaRegistryUrl, other.schemaRegistryUrl)
                && Objects.equals(consumerGroupId, other.consumerGroupId) && Objects.equals(clientId, other.clientId)
                && kafkaProperties.equals(other.kafkaProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, securityProtocol, saslMechanism, saslUsername, clientId, consumerGroupId);
    }

    /** Every setting, secrets shown as {@code [hidden]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KafkaConnectionOptions{bootstrapServers=").append(bootstrapServers)
                .append(", securityProtocol=").append(securityProtocol);
        if (saslMechanism != null) {
            sb.append(", saslMechanism=").append(saslMechanism);
        }
        if (saslUsername != null) {
            sb.append(", saslUsername=").append(saslUsername);
        }
        if (saslPassword != null) {
            sb.append(", saslPassword=").append(Secret.HIDDEN);
        }
        if (sslTruststoreLocation != null) {
            sb.append(", sslTruststoreLocation=").append(sslTruststoreLocation);
        }
        if (sslTruststorePassword != null) {
            sb.append(", sslTruststorePassword=").append(Secret.HIDDEN);
        }
        if (sslKeystoreLocation != null) {
            sb.append(", sslKeystoreLocation=").append(sslKeystoreLocation);
        }
        if (sslKeystorePassword != null) {
            sb.append(", sslKeystorePassword=").append(Secret.HIDDEN);
        }
        if (schemaRegistryUrl != null) {
            sb.append(", schemaRegistryUrl=").append(redactUserInfo(schemaRegistryUrl));
        }
        if (consumerGroupId != null) {
            sb.append(", consumerGroupId=").append(consumerGroupId);
        }
        if (clientId != null) {
            sb.append(", clientId=").append(clientId);
        }
        if (!kafkaProperties.isEmpty()) {
            sb.append(", kafkaProperties=").append(KafkaSecretKeys.redact(kafkaProperties));
        }
        return sb.append('}').toString();
    }

    private static String redactUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo(), Secret.HIDDEN);
    }

    private static final class Resolved {
        List<String> bootstrapServers = List.of();
        SecurityProtocol securityProtocol;
        String saslMechanism;
        String saslUsername;
        Secret saslPassword;
        Path sslTruststoreLocation;
        Secret sslTruststorePassword;
        Path sslKeystoreLocation;
        Secret sslKeystorePassword;
        URI schemaRegistryUrl;
        String consumerGroupId;
        String clientId;
        Map<String, Object> kafkaProperties = Map.of();
    }

    /**
     * Builds {@link KafkaConnectionOptions}. Not thread-safe; use from one thread, then {@link #build()}.
     * Every method returns this builder.
     */
    public static final class Builder {

        private EnvironmentSource environment = EnvironmentSource.none();
        private List<String> bootstrapServers;
        private SecurityProtocol securityProtocol;
        private String saslMechanism;
        private String saslUsername;
        private Secret saslPassword;
        private Path sslTruststoreLocation;
        private Secret sslTruststorePassword;
        private Path sslKeystoreLocation;
        private Secret sslKeystorePassword;
        private URI schemaRegistryUrl;
        private String consumerGroupId;
        private String clientId;
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Where values not set on this builder come from; {@link EnvironmentSource#none()} by default. */
        public Builder environment(EnvironmentSource environment) {
            this.environment = requireNonNull(environment, "environment");
            return this;
        }

        /**
         * The bootstrap servers, each {@code host:port}.
         *
         * @throws ConfigurationException if empty or an entry is not {@code host:port} with a port in 1..65535
         */
        public Builder bootstrapServers(String... hostPorts) {
            return bootstrapServers(Arrays.asList(requireNonNull(hostPorts, "bootstrapServers")));
        }

        /** See {@link #bootstrapServers(String...)}. A single string may also be a comma-separated list. */
        public Builder bootstrapServers(List<String> hostPorts) {
            requireNonNull(hostPorts, "bootstrapServers");
            List<String> list = new ArrayList<>();
            for (String hp : hostPorts) {
                if (hp != null) {
                    list.addAll(splitList(hp));
                }
            }
            List<String> problems = new ArrayList<>();
            checkBootstrap(list, problems);
            throwIfAny(problems);
            this.bootstrapServers = List.copyOf(list);
            return this;
        }

        /** The security protocol; {@code PLAINTEXT} by default. */
        public Builder securityProtocol(SecurityProtocol protocol) {
            this.securityProtocol = requireNonNull(protocol, "securityProtocol");
            return this;
        }

        /**
         * The SASL mechanism.
         *
         * @throws ConfigurationException if not one of {@link #SUPPORTED_SASL_MECHANISMS} (other mechanisms need a raw
         *     {@code sasl.mechanism} plus {@code sasl.jaas.config} passed through {@link #kafkaProperty})
         */
        public Builder saslMechanism(String mechanism) {
            String m = requireText(mechanism, "saslMechanism").toUpperCase(Locale.ROOT);
            if (!SUPPORTED_SASL_MECHANISMS.contains(m)) {
                throw new ConfigurationException("saslMechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 but was '"
                        + mechanism + "'");
            }
            this.saslMechanism = m;
            return this;
        }

        /** SASL user name and password; the JAAS configuration is built from them. */
        public Builder saslCredentials(String username, Secret password) {
            this.saslUsername = requireText(username, "saslUsername");
            this.saslPassword = requireNonNull(password, "saslPassword");
            return this;
        }

        /** Convenience for {@code saslCredentials(username, Secret.of(password))}. */
        public Builder saslCredentials(String username, String password) {
            return saslCredentials(username, Secret.of(password));
        }

        /** The TLS trust store file and its password (password may be null for PEM stores). */
        public Builder sslTruststore(Path location, Secret password) {
            this.sslTruststoreLocation = requireNonNull(location, "sslTruststoreLocation");
            this.sslTruststorePassword = password;
            return this;
        }

        /** The TLS key store file (client certificate) and its password. */
        public Builder sslKeystore(Path location, Secret password) {
            this.sslKeystoreLocation = requireNonNull(location, "sslKeystoreLocation");
            this.sslKeystorePassword = password;
            return this;
        }

        /**
         * The schema registry base URL.
         *
         * @throws ConfigurationException if not an absolute http(s) URL
         */
        public Builder schemaRegistryUrl(String url) {
            List<String> problems = new ArrayList<>();
            URI uri = parseUrl(requireText(url, "schemaRegistryUrl"), problems);
            throwIfAny(problems);
            this.schemaRegistryUrl = uri;
            return this;
        }

        /** The consumer group id. */
        public Builder consumerGroupId(String groupId) {
            this.consumerGroupId = requireText(groupId, "consumerGroupId");
            return this;
        }

        /** The Kafka {@code client.id}. */
        public Builder clientId(String clientId) {
            this.clientId = requireText(clientId, "clientId");
            return this;
        }

        /**
         * A raw Kafka client property, passed through untouched (use Kafka's constants, e.g.
         * {@code ProducerConfig.LINGER_MS_CONFIG}). Keys owned by a typed setting ({@code security.protocol},
         * {@code sasl.mechanism}, TLS stores, {@code client.id}, {@code group.id}) are rejected: use the typed method.
         * {@code bootstrap.servers} is accepted here when the typed value is not set.
         *
         * @throws ConfigurationException if the key is blank, the value null, or the key owned by a typed setting
         */
        public Builder kafkaProperty(String key, Object value) {
            requireText(key, "kafkaProperty key");
            if (value == null) {
                throw new ConfigurationException("kafkaProperty '" + key + "' must not have a null value");
            }
            if (TYPED_KEYS.contains(key)) {
                throw new ConfigurationException("kafkaProperty '" + key + "' is a typed setting: use the builder's own method for it");
            }
            kafkaProperties.put(key, value);
            return this;
        }

        /** Every entry through {@link #kafkaProperty(String, Object)} (the map is copied). */
        public Builder kafkaProperties(Map<String, ?> properties) {
            requireNonNull(properties, "kafkaProperties").forEach(this::kafkaProperty);
            return this;
        }

        /**
         * Resolves unset values from the environment and checks everything together.
         *
         * @throws ConfigurationException listing every problem found
         */
        public KafkaConnectionOptions build() {
            List<String> problems = new ArrayList<>();
            Resolved r = new Resolved();
            r.kafkaProperties = new LinkedHashMap<>(kafkaProperties);

            // bootstrap servers: builder, then raw property, then environment
            if (bootstrapServers != null) {
                r.bootstrapServers = bootstrapServers;
                r.kafkaProperties.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
            } else if (kafkaProperties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                Object raw = r.kafkaProperties.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
                List<String> list = raw instanceof List<?> l ? l.stream().map(String::valueOf).toList() : splitList(String.valueOf(raw));
                checkBootstrap(list, problems);
                r.bootstrapServers = list;
            } else {
                Optional<String> env = environment.get(ENV_BOOTSTRAP_SERVERS);
                if (env.isEmpty()) {
                    problems.add("bootstrapServers is required: set it on the builder or in " + ENV_BOOTSTRAP_SERVERS);
                } else {
                    List<String> list = splitList(env.get());
                    List<String> own = new ArrayList<>();
                    checkBootstrap(list, own);
                    own.forEach(p -> problems.add(p + " (from " + ENV_BOOTSTRAP_SERVERS + ")"));
                    r.bootstrapServers = list;
                }
            }

            r.securityProtocol = securityProtocol != null ? securityProtocol
                    : resolve(ENV_SECURITY_PROTOCOL, SecurityProtocol::parse, problems).orElse(SecurityProtocol.PLAINTEXT);
            r.saslMechanism = saslMechanism != null ? saslMechanism
                    : resolve(ENV_SASL_MECHANISM, v -> {
                        String m = v.trim().toUpperCase(Locale.ROOT);
                        if (!SUPPORTED_SASL_MECHANISMS.contains(m)) {
                            throw new ConfigurationException("saslMechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 but was '" + v + "'");
                        }
                        return m;
                    }, problems).orElse(null);
            if (saslUsername != null) {
                r.saslUsername = saslUsername;
                r.saslPassword = saslPassword;
            } else {
                r.saslUsername = environment.get(ENV_SASL_USERNAME).orElse(null);
                r.saslPassword = environment.get(ENV_SASL_PASSWORD).map(Secret::of).orElse(null);
            }
            if (sslTruststoreLocation != null) {
                r.sslTruststoreLocation = sslTruststoreLocation;
                r.sslTruststorePassword = sslTruststorePassword;
            } else {
                r.sslTruststoreLocation = environment.get(ENV_SSL_TRUSTSTORE_LOCATION).map(Path::of).orElse(null);
                r.sslTruststorePassword = environment.get(ENV_SSL_TRUSTSTORE_PASSWORD).map(Secret::of).orElse(null);
            }
            if (sslKeystoreLocation != null) {
                r.sslKeystoreLocation = sslKeystoreLocation;
                r.sslKeystorePassword = sslKeystorePassword;
            } else {
                r.sslKeystoreLocation = environment.get(ENV_SSL_KEYSTORE_LOCATION).map(Path::of).orElse(null);
                r.sslKeystorePassword = environment.get(ENV_SSL_KEYSTORE_PASSWORD).map(Secret::of).orElse(null);
            }
            r.schemaRegistryUrl = schemaRegistryUrl != null ? schemaRegistryUrl
                    : environment.get(ENV_SCHEMA_REGISTRY_URL).map(v -> {
                        List<String> own = new ArrayList<>();
                        URI u = parseUrl(v, own);
                        own.forEach(p -> problems.add(p + " (from " + ENV_SCHEMA_REGISTRY_URL + ")"));
                        return u;
                    }).orElse(null);
            r.consumerGroupId = consumerGroupId != null ? consumerGroupId : environment.get(ENV_CONSUMER_GROUP_ID).orElse(null);
            r.clientId = clientId != null ? clientId : environment.get(ENV_CLIENT_ID).orElse(null);

            crossCheck(r, problems);
            throwIfAny(problems);
            return new KafkaConnectionOptions(r);
        }

        private <T> Optional<T> resolve(String env, Function<String, T> parser, List<String> problems) {
            Optional<String> raw = environment.get(env);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(parser.apply(raw.get()));
            } catch (ConfigurationException e) {
                problems.add(e.problems().get(0) + " (from " + env + ")");
                return Optional.empty();
            }
        }

        private static void crossCheck(Resolved r, List<String> problems) {
            SecurityProtocol protocol = r.securityProtocol;
            boolean rawJaas = r.kafkaProperties.containsKey(SaslConfigs.SASL_JAAS_CONFIG);
            if (protocol.usesSasl()) {
                if (r.saslMechanism == null && !rawJaas) {
                    problems.add("saslMechanism is required with securityProtocol " + protocol
                            + " (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; set it or " + ENV_SASL_MECHANISM + ")");
                }
                if (!rawJaas && r.saslUsername == null) {
                    problems.add("saslUsername is required with securityProtocol " + protocol + " (or " + ENV_SASL_USERNAME + ")");
                }
                if (!rawJaas && r.saslPassword == null) {
                    problems.add("saslPassword is required with securityProtocol " + protocol + " (or " + ENV_SASL_PASSWORD + ")");
                }
                if (rawJaas && r.saslUsername != null) {
                    problems.add("set either saslCredentials or the raw sasl.jaas.config property, not both");
                }
            } else {
                if (r.saslMechanism != null || r.saslUsername != null || r.saslPassword != null) {
                    problems.add("SASL settings are set but securityProtocol is " + protocol
                            + ": use SASL_PLAINTEXT or SASL_SSL, or remove them");
                }
            }
            if (!protocol.usesTls()) {
                if (r.sslTruststoreLocation != null || r.sslKeystoreLocation != null) {
                    problems.add("TLS trust/key store is set but securityProtocol is " + protocol
                            + ": use SSL or SASL_SSL, or remove them");
                }
            }
            if (r.sslTruststoreLocation == null && r.sslTruststorePassword != null) {
                problems.add("sslTruststorePassword is set without sslTruststoreLocation");
            }
            if (r.sslKeystoreLocation == null && r.sslKeystorePassword != null) {
                problems.add("sslKeystorePassword is set without sslKeystoreLocation");
            }
            checkReadable(r.sslTruststoreLocation, "sslTruststoreLocation", problems);
            checkReadable(r.sslKeystoreLocation, "sslKeystoreLocation", problems);
        }

        private static void checkReadable(Path p, String name, List<String> problems) {
            if (p != null && !Files.isReadable(p)) {
                problems.add(name + " must be a readable file but " + p + " is not");
            }
        }
    }

    private static List<String> splitList(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static void checkBootstrap(List<String> list, List<String> problems) {
        if (list.isEmpty()) {
            problems.add("bootstrapServers must not be empty");
            return;
        }
        for (String hp : list) {
            int colon = hp.lastIndexOf(':');
            if (colon <= 0 || colon == hp.length() - 1) {
                problems.add("bootstrapServers entry must be host:port but was '" + hp + "'");
                continue;
            }
            try {
                int port = Integer.parseInt(hp.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    problems.add("bootstrapServers port must be in 1..65535 but was " + port + " in '" + hp + "'");
                }
            } catch (NumberFormatException e) {
                problems.add("bootstrapServers port must be a number but was '" + hp.substring(colon + 1) + "' in '" + hp + "'");
            }
        }
    }

    private static URI parseUrl(String url, List<String> problems) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problems.add("schemaRegistryUrl must be an absolute http(s) URL but was '" + redactUserInfoRaw(url) + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add("schemaRegistryUrl is not a valid URL: '" + redactUserInfoRaw(url) + "'");
            return null;
        }
    }

    private static String redactUserInfoRaw(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at > 0 && scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + Secret.HIDDEN + url.substring(at) : url;
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new ConfigurationException(name + " must not be null");
        }
        return value;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(name + " must not be blank but was " + (value == null ? "null" : "'" + value + "'"));
        }
        return value.trim();
    }

    private static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }
}
