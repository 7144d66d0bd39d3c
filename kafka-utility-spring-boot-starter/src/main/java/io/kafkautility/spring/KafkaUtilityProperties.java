package io.kafkautility.spring;

import io.kafkautility.config.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code kafka-utility.*}: the same settings as the library's environment variables, by the same names
 * ({@code KAFKA_BOOTSTRAP_SERVERS} is {@code kafka-utility.bootstrap-servers}, {@code KAFKA_SASL_PASSWORD} is
 * {@code kafka-utility.sasl-password}, ...), plus Kafka's own client settings under {@code kafka-utility.kafka.*}.
 * What is not set here comes from the environment and {@code .env}, as without Spring. Each set property goes to the
 * library's typed builder, so a wrong value is reported under the property's name; an unknown {@code kafka-utility.*}
 * key stops the context. Secrets never print.
 */
@ConfigurationProperties(prefix = "kafka-utility")
public class KafkaUtilityProperties {

    /**
     * Kafka brokers to connect to, comma-separated host:port pairs (KAFKA_BOOTSTRAP_SERVERS). Required, here or in the
     * environment.
     */
    private String bootstrapServers;
    /** How clients talk to the brokers: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL (KAFKA_SECURITY_PROTOCOL). */
    private String securityProtocol;
    /** The SASL mechanism with a SASL protocol: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (KAFKA_SASL_MECHANISM). */
    private String saslMechanism;
    /** The SASL user name (KAFKA_SASL_USERNAME). */
    private String saslUsername;
    /** The SASL password (KAFKA_SASL_PASSWORD); never printed. */
    private String saslPassword;
    /** Path of the TLS trust store (KAFKA_SSL_TRUSTSTORE_LOCATION), with SSL or SASL_SSL. */
    private String sslTruststoreLocation;
    /** Password of the TLS trust store (KAFKA_SSL_TRUSTSTORE_PASSWORD); never printed. */
    private String sslTruststorePassword;
    /** Path of the TLS key store for client authentication (KAFKA_SSL_KEYSTORE_LOCATION). */
    private String sslKeystoreLocation;
    /** Password of the TLS key store (KAFKA_SSL_KEYSTORE_PASSWORD); never printed. */
    private String sslKeystorePassword;
    /** Base URL of the Confluent-compatible schema registry, for the Avro replies (KAFKA_SCHEMA_REGISTRY_URL). */
    private String schemaRegistryUrl;
    /** User name for the schema registry's basic authentication (KAFKA_SCHEMA_REGISTRY_USERNAME). */
    private String schemaRegistryUsername;
    /** Password for the schema registry's basic authentication (KAFKA_SCHEMA_REGISTRY_PASSWORD); never printed. */
    private String schemaRegistryPassword;
    /** The consumer group the application's consumers join by default (KAFKA_CONSUMER_GROUP_ID). */
    private String consumerGroupId;
    /** The client id prefix of the application's Kafka clients (KAFKA_CLIENT_ID). */
    private String clientId;
    /**
     * Kafka's own client settings, passed on under Kafka's keys, e.g. kafka-utility.kafka.compression.type=zstd;
     * settings the library owns (serializers, acks, idempotence) are refused.
     */
    private Map<String, String> kafka = new LinkedHashMap<>();

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getSecurityProtocol() {
        return securityProtocol;
    }

    public void setSecurityProtocol(String securityProtocol) {
        this.securityProtocol = securityProtocol;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public String getSaslUsername() {
        return saslUsername;
    }

    public void setSaslUsername(String saslUsername) {
        this.saslUsername = saslUsername;
    }

    public String getSaslPassword() {
        return saslPassword;
    }

    public void setSaslPassword(String saslPassword) {
        this.saslPassword = saslPassword;
    }

    public String getSslTruststoreLocation() {
        return sslTruststoreLocation;
    }

    public void setSslTruststoreLocation(String sslTruststoreLocation) {
        this.sslTruststoreLocation = sslTruststoreLocation;
    }

    public String getSslTruststorePassword() {
        return sslTruststorePassword;
    }

    public void setSslTruststorePassword(String sslTruststorePassword) {
        this.sslTruststorePassword = sslTruststorePassword;
    }

    public String getSslKeystoreLocation() {
        return sslKeystoreLocation;
    }

    public void setSslKeystoreLocation(String sslKeystoreLocation) {
        this.sslKeystoreLocation = sslKeystoreLocation;
    }

    public String getSslKeystorePassword() {
        return sslKeystorePassword;
    }

    public void setSslKeystorePassword(String sslKeystorePassword) {
        this.sslKeystorePassword = sslKeystorePassword;
    }

    public String getSchemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public void setSchemaRegistryUrl(String schemaRegistryUrl) {
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public String getSchemaRegistryUsername() {
        return schemaRegistryUsername;
    }

    public void setSchemaRegistryUsername(String schemaRegistryUsername) {
        this.schemaRegistryUsername = schemaRegistryUsername;
    }

    public String getSchemaRegistryPassword() {
        return schemaRegistryPassword;
    }

    public void setSchemaRegistryPassword(String schemaRegistryPassword) {
        this.schemaRegistryPassword = schemaRegistryPassword;
    }

    public String getConsumerGroupId() {
        return consumerGroupId;
    }

    public void setConsumerGroupId(String consumerGroupId) {
        this.consumerGroupId = consumerGroupId;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    /** Kafka's own client settings, under Kafka's keys ({@code kafka-utility.kafka.compression.type=zstd}). */
    public Map<String, String> getKafka() {
        return kafka;
    }

    public void setKafka(Map<String, String> kafka) {
        this.kafka = kafka;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("bootstrap-servers", bootstrapServers);
        shown.put("security-protocol", securityProtocol);
        shown.put("sasl-mechanism", saslMechanism);
        shown.put("sasl-username", saslUsername);
        shown.put("sasl-password", saslPassword == null ? null : "[hidden]");
        shown.put("ssl-truststore-location", sslTruststoreLocation);
        shown.put("ssl-truststore-password", sslTruststorePassword == null ? null : "[hidden]");
        shown.put("ssl-keystore-location", sslKeystoreLocation);
        shown.put("ssl-keystore-password", sslKeystorePassword == null ? null : "[hidden]");
        shown.put("schema-registry-url", schemaRegistryUrl);
        shown.put("schema-registry-username", schemaRegistryUsername);
        shown.put("schema-registry-password", schemaRegistryPassword == null ? null : "[hidden]");
        shown.put("consumer-group-id", consumerGroupId);
        shown.put("client-id", clientId);
        shown.values().removeIf(java.util.Objects::isNull);
        return "KafkaUtilityProperties" + shown + " kafka=" + Secrets.redact(kafka);
    }
}
