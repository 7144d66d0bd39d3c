package io.kafkautility.spring.internal;

import io.kafkautility.config.KafkaConnectionOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kafka-utility.*} properties of the starter and the names the library's messages give the same settings
 * (the builder's field names), so a problem is reported under the property the application set.
 */
public final class PropertyNames {

    public static final String PREFIX = "kafka-utility";
    /** Kafka's own settings: {@code kafka-utility.kafka.<Kafka key>}. */
    public static final String KAFKA = PREFIX + ".kafka";

    /** property (without prefix) -> the library's name for it in messages (builder field). */
    static final Map<String, String> FIELDS = new LinkedHashMap<>();
    /** property (without prefix) -> its environment variable. */
    static final Map<String, String> ENV = new LinkedHashMap<>();

    static {
        add("bootstrap-servers", "bootstrapServers", KafkaConnectionOptions.ENV_BOOTSTRAP_SERVERS);
        add("security-protocol", "securityProtocol", KafkaConnectionOptions.ENV_SECURITY_PROTOCOL);
        add("sasl-mechanism", "saslMechanism", KafkaConnectionOptions.ENV_SASL_MECHANISM);
        add("sasl-username", "saslUsername", KafkaConnectionOptions.ENV_SASL_USERNAME);
        add("sasl-password", "saslPassword", KafkaConnectionOptions.ENV_SASL_PASSWORD);
        add("ssl-truststore-location", "sslTruststoreLocation", KafkaConnectionOptions.ENV_SSL_TRUSTSTORE_LOCATION);
        add("ssl-truststore-password", "sslTruststorePassword", KafkaConnectionOptions.ENV_SSL_TRUSTSTORE_PASSWORD);
        add("ssl-keystore-location", "sslKeystoreLocation", KafkaConnectionOptions.ENV_SSL_KEYSTORE_LOCATION);
        add("ssl-keystore-password", "sslKeystorePassword", KafkaConnectionOptions.ENV_SSL_KEYSTORE_PASSWORD);
        add("schema-registry-url", "schemaRegistryUrl", KafkaConnectionOptions.ENV_SCHEMA_REGISTRY_URL);
        add("schema-registry-username", "schemaRegistryUsername",
                io.kafkautility.avro.SchemaRegistryOptions.ENV_USERNAME);
        add("schema-registry-password", "schemaRegistryPassword",
                io.kafkautility.avro.SchemaRegistryOptions.ENV_PASSWORD);
        add("consumer-group-id", "consumerGroupId", KafkaConnectionOptions.ENV_CONSUMER_GROUP_ID);
        add("client-id", "clientId", KafkaConnectionOptions.ENV_CLIENT_ID);
    }

    private static final Pattern FIELD = Pattern.compile("\\b(" + String.join("|", FIELDS.values()) + ")\\b");

    private PropertyNames() {
    }

    private static void add(String property, String field, String env) {
        FIELDS.put(property, field);
        ENV.put(property, env);
    }

    /** Every property of the starter, with its prefix ({@code kafka-utility.bootstrap-servers}, ...). */
    public static List<String> all() {
        return FIELDS.keySet().stream().map(p -> PREFIX + "." + p).toList();
    }

    /**
     * {@code problem} in the terms of a Spring application: every builder field name becomes its
     * {@code kafka-utility.<property>}; a value that came from the environment keeps the library's
     * "(from KAFKA_...)", which names the variable; one the application set in {@code fromProperties} loses it.
     */
    public static String inPropertyTerms(String problem, java.util.Set<String> fromProperties) {
        Matcher m = FIELD.matcher(problem);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String property = propertyOfField(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(property != null ? PREFIX + "." + property
                    : m.group(1)));
        }
        m.appendTail(out);
        String text = out.toString().replace("set it on the builder or in ", "set it, or the environment variable ")
                .replace("(or KAFKA_", "(or the environment variable KAFKA_")
                .replace("; set it or KAFKA_", "; set it, or the environment variable KAFKA_")
                .replace("set either saslCredentials or", "set either " + PREFIX + ".sasl-username / "
                        + PREFIX + ".sasl-password or")
                .replace("the raw sasl.jaas.config property", PREFIX + ".kafka.sasl.jaas.config");
        for (String property : fromProperties) {
            // "(from KAFKA_X)" never describes a value the application set as a property
            text = text.replace(" (from " + ENV.get(property) + ")", "");
        }
        return text;
    }

    static String propertyOfField(String field) {
        for (Map.Entry<String, String> e : FIELDS.entrySet()) {
            if (e.getValue().equals(field)) {
                return e.getKey();
            }
        }
        return null;
    }
}
