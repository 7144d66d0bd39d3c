package io.kafkautility.config;

import io.kafkautility.internal.config.KafkaSecretKeys;
import java.util.Map;

/**
 * The library's one rule for which settings are secrets, for every {@code *Options.toString()} and log line: every key
 * Kafka's client configs declare as a password ({@code ssl.keystore.password}, {@code ssl.key.password},
 * {@code ssl.keystore.key}, {@code sasl.jaas.config}, ...), and any key whose name says password, secret, jaas,
 * credential or token, or ends in {@code .key}. Their values print as {@code [hidden]}. Stateless and thread-safe.
 */
public final class Secrets {

    private Secrets() {
    }

    /** @return whether the value under {@code key} must never be shown */
    public static boolean isSecretKey(String key) {
        return KafkaSecretKeys.isSensitive(key);
    }

    /** @return {@code {key=value, ...}} sorted by key, with the values of secret keys shown as {@code [hidden]} */
    public static String redact(Map<String, ?> properties) {
        return KafkaSecretKeys.redact(properties);
    }
}
