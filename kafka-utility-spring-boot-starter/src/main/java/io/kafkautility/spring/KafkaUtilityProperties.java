package io.kafkautility.spring;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.config.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code kafka-utility.*}: the same settings as the library's environment variables, by the same names
 * ({@code KAFKA_BOOTSTRAP_SERVERS} is {@code kafka-utility.bootstrap-servers}, {@code KAFKA_SASL_PASSWORD} is
 * {@code kafka-utility.sasl-password}, ...), plus Kafka's own client settings under {@code kafka-utility.kafka.*}.
 * What is not set here comes from the environment and {@code .env}, as without Spring. Secrets never print.
 */
@ConfigurationProperties(prefix = "kafka-utility")
public class KafkaUtilityProperties {

    private String bootstrapServers;
    private String securityProtocol;
    private String saslMechanism;
    private String saslUsername;
    private String saslPassword;
    private String sslTruststoreLocation;
    private String sslTruststorePassword;
    private String sslKeystoreLocation;
    private String sslKeystorePassword;
    private String schemaRegistryUrl;
    private String schemaRegistryUsername;
    private String schemaRegistryPassword;
    private String consumerGroupId;
    private String clientId;
    private Map<String, String> kafka = new LinkedHashMap<>();

    /** These settings as the environment variables the library reads (only those set). */
    public Map<String, String> asEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, KafkaConnectionOptions.ENV_BOOTSTRAP_SERVERS, bootstrapServers);
        put(env, KafkaConnectionOptions.ENV_SECURITY_PROTOCOL, securityProtocol);
        put(env, KafkaConnectionOptions.ENV_SASL_MECHANISM, saslMechanism);
        put(env, KafkaConnectionOptions.ENV_SASL_USERNAME, saslUsername);
        put(env, KafkaConnectionOptions.ENV_SASL_PASSWORD, saslPassword);
        put(env, KafkaConnectionOptions.ENV_SSL_TRUSTSTORE_LOCATION, sslTruststoreLocation);
        put(env, KafkaConnectionOptions.ENV_SSL_TRUSTSTORE_PASSWORD, sslTruststorePassword);
        put(env, KafkaConnectionOptions.ENV_SSL_KEYSTORE_LOCATION, sslKeystoreLocation);
        put(env, KafkaConnectionOptions.ENV_SSL_KEYSTORE_PASSWORD, sslKeystorePassword);
        put(env, KafkaConnectionOptions.ENV_SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        put(env, io.kafkautility.avro.SchemaRegistryOptions.ENV_USERNAME, schemaRegistryUsername);
        put(env, io.kafkautility.avro.SchemaRegistryOptions.ENV_PASSWORD, schemaRegistryPassword);
        put(env, KafkaConnectionOptions.ENV_CONSUMER_GROUP_ID, consumerGroupId);
        put(env, KafkaConnectionOptions.ENV_CLIENT_ID, clientId);
        return env;
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }

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
        Map<String, String> shown = new LinkedHashMap<>(asEnvironment());
        shown.replaceAll((k, v) -> Secrets.isSecretKey(k) ? "[hidden]" : v);
        return "KafkaUtilityProperties" + shown + " kafka=" + Secrets.redact(kafka);
    }
}
