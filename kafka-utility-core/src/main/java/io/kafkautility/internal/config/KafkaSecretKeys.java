package io.kafkautility.internal.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Which Kafka client keys hold secrets, taken from Kafka's own ConfigDefs (type PASSWORD). */
public final class KafkaSecretKeys {

    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    private KafkaSecretKeys() {
    }

    private static Set<String> passwordKeys() {
        Set<String> keys = new HashSet<>();
        for (ConfigDef def : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()}) {
            def.configKeys().forEach((k, v) -> {
                if (v.type == ConfigDef.Type.PASSWORD) {
                    keys.add(k);
                }
            });
        }
        return Set.copyOf(keys);
    }

    /** Kafka declares this key as a password: its value is handed over as Kafka's {@link Password}. */
    public static boolean isKafkaPassword(String key) {
        return PASSWORD_KEYS.contains(key);
    }

    /** Whether a value under this key must never be shown (Kafka passwords plus anything that looks like a secret). */
    public static boolean isSensitive(String key) {
        if (isKafkaPassword(key)) {
            return true;
        }
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("credential")
                || k.contains("token") || k.endsWith(".key");
    }

    /** Wraps String values of Kafka password keys into Kafka's hidden {@link Password}, in place. */
    public static void hidePasswords(Map<String, Object> props) {
        props.replaceAll((k, v) -> isKafkaPassword(k) && v instanceof String s ? new Password(s) : v);
    }

    /** {@code key=value} pairs with sensitive values replaced by {@code [hidden]}. */
    public static String redact(Map<String, ?> props) {
        StringBuilder sb = new StringBuilder("{");
        props.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(isSensitive(e.getKey()) ? "[hidden]" : e.getValue());
        });
        return sb.append('}').toString();
    }
}
