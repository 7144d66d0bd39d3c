package io.kafkautility.spring.internal;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.config.SecurityProtocol;
import io.kafkautility.spring.KafkaUtilityProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The connection options of a Spring application: each {@code kafka-utility.*} property set goes to the builder's
 * typed setter (never through environment-variable names), what is not set comes from the environment and
 * {@code .env} as without Spring, and every problem is reported under the property the application set.
 */
public final class PropertyConnection {

    private PropertyConnection() {
    }

    /**
     * @throws KafkaUtilityPropertiesException listing every problem, named by property
     */
    public static KafkaConnectionOptions build(KafkaUtilityProperties p) {
        KafkaConnectionOptions.Builder b = KafkaConnectionOptions.fromEnvironment();
        List<String> problems = new ArrayList<>();
        Set<String> set = new LinkedHashSet<>();
        apply(problems, set, "bootstrap-servers", p.getBootstrapServers(),
                v -> b.bootstrapServers(Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .toList()));
        apply(problems, set, "security-protocol", p.getSecurityProtocol(), v -> b.securityProtocol(
                SecurityProtocol.parse(v)));
        apply(problems, set, "sasl-mechanism", p.getSaslMechanism(), b::saslMechanism);
        if (given(p.getSaslUsername()) || given(p.getSaslPassword())) {
            set.add("sasl-username");
            set.add("sasl-password");
            if (!given(p.getSaslUsername())) {
                problems.add(PropertyNames.PREFIX + ".sasl-password is set without " + PropertyNames.PREFIX
                        + ".sasl-username");
            } else {
                catching(problems, Set.of("sasl-username", "sasl-password"),
                        () -> b.saslCredentials(p.getSaslUsername().trim(),
                                p.getSaslPassword() == null ? "" : p.getSaslPassword()));
            }
        }
        store(problems, set, "ssl-truststore", p.getSslTruststoreLocation(), p.getSslTruststorePassword(),
                (path, secret) -> b.sslTruststore(path, secret));
        store(problems, set, "ssl-keystore", p.getSslKeystoreLocation(), p.getSslKeystorePassword(),
                (path, secret) -> b.sslKeystore(path, secret));
        apply(problems, set, "schema-registry-url", p.getSchemaRegistryUrl(), b::schemaRegistryUrl);
        apply(problems, set, "consumer-group-id", p.getConsumerGroupId(), b::consumerGroupId);
        apply(problems, set, "client-id", p.getClientId(), b::clientId);
        for (Map.Entry<String, String> e : p.getKafka().entrySet()) {
            try {
                b.kafkaProperty(e.getKey(), e.getValue());
            } catch (ConfigurationException | IllegalArgumentException ex) {
                problems.add(PropertyNames.KAFKA + "." + e.getKey() + ": " + message(ex));
            }
        }
        if (!problems.isEmpty()) {
            throw new KafkaUtilityPropertiesException(problems);
        }
        try {
            return b.build();
        } catch (ConfigurationException e) {
            List<String> named = new ArrayList<>();
            for (String problem : e.problems()) {
                named.add(PropertyNames.inPropertyTerms(problem, set));
            }
            throw new KafkaUtilityPropertiesException(named);
        }
    }

    private static boolean given(String v) {
        return v != null && !v.isBlank();
    }

    private static void apply(List<String> problems, Set<String> set, String property, String value,
                              Consumer<String> setter) {
        if (!given(value)) {
            return;
        }
        set.add(property);
        catching(problems, Set.of(property), () -> setter.accept(value.trim()));
    }

    private static void store(List<String> problems, Set<String> set, String prefix, String location,
                              String password, java.util.function.BiConsumer<Path, io.kafkautility.config.Secret> setter) {
        if (!given(location) && !given(password)) {
            return;
        }
        set.add(prefix + "-location");
        set.add(prefix + "-password");
        if (!given(location)) {
            problems.add(PropertyNames.PREFIX + "." + prefix + "-password is set without " + PropertyNames.PREFIX
                    + "." + prefix + "-location");
            return;
        }
        catching(problems, Set.of(prefix + "-location"), () -> setter.accept(Path.of(location.trim()),
                given(password) ? io.kafkautility.config.Secret.of(password) : null));
    }

    private static void catching(List<String> problems, Set<String> properties, Runnable set) {
        try {
            set.run();
        } catch (ConfigurationException e) {
            e.problems().forEach(m -> problems.add(PropertyNames.inPropertyTerms(m, properties)));
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add(PropertyNames.inPropertyTerms(message(e), properties) + " (" + properties.stream()
                    .map(p -> PropertyNames.PREFIX + "." + p).reduce((a, c) -> a + ", " + c).orElse("") + ")");
        }
    }

    private static String message(Exception e) {
        return e instanceof ConfigurationException c && !c.problems().isEmpty() ? String.join("; ", c.problems())
                : String.valueOf(e.getMessage());
    }
}
