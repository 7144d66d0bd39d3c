package io.kafkautility.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The raw Kafka client settings of one options class: Kafka's own keys and values, passed through unchanged, except
 * the keys the library owns. Every {@code *Options} class of the library keeps its Kafka settings in one of these, so
 * all of them check a key the same way at the call, and print with the one redaction rule of {@link Secrets}.
 *
 * <p>An owned key is either refused whatever its value (it has a typed setting, or the library cannot work with
 * another value: {@link Builder#owns(String, String)}), or accepted only with the value the library sets itself, so
 * a caller that spells it out is not punished ({@link Builder#owns(String, Object, String)}). Either way the refusal
 * is a {@link ConfigurationException} that names the options class, the key and why, never a secret value.
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class ClientProperties {

    private final String owner;
    private final Map<String, Object> values;

    private ClientProperties(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** An empty builder for the options class named {@code owner} (used in error messages). */
    public static Builder builder(String owner) {
        return new Builder(owner);
    }

    /** The settings, in the order they were given; unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The value under {@code key}, or null. */
    public Object get(String key) {
        return values.get(key);
    }

    /** A builder with the same owner and values, and no owned keys: the caller declares them again. */
    public Builder toBuilder() {
        Builder b = new Builder(owner);
        b.values.putAll(values);
        return b;
    }

    /** {@code {key=value, ...}} with every secret shown as {@code [hidden]}. */
    @Override
    public String toString() {
        return Secrets.redact(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientProperties other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Collects settings, refusing the owned keys at the call. Not thread-safe. */
    public static final class Builder {
        private final String owner;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Owned> owned = new LinkedHashMap<>();

        private Builder(String owner) {
            if (owner == null || owner.isBlank()) {
                throw new IllegalArgumentException("owner must not be blank");
            }
            this.owner = owner;
        }

        /** {@code key} is the library's: any value is refused, for the reason {@code why}. */
        public Builder owns(String key, String why) {
            owned.put(key, new Owned(null, why));
            values.remove(key);
            return this;
        }

        /**
         * {@code key} is the library's, which sets it to {@code value}: the same value is accepted (and left to the
         * library), any other refused for the reason {@code why}.
         */
        public Builder owns(String key, Object value, String why) {
            owned.put(key, new Owned(Objects.requireNonNull(value, "value"), why));
            values.remove(key);
            return this;
        }

        /**
         * Adds one Kafka client setting under Kafka's own key.
         *
         * @throws ConfigurationException if the key is blank, the value null, or the key owned by the library
         */
        public Builder put(String key, Object value) {
            if (key == null || key.isBlank()) {
                throw new ConfigurationException(owner + ": a kafka property key must not be blank but was '" + key
                        + "'");
            }
            if (value == null) {
                throw new ConfigurationException(owner + ": kafka property " + key + " must not be null");
            }
            Owned rule = owned.get(key);
            if (rule == null) {
                values.put(key, value);
                return this;
            }
            if (rule.value != null && sameValue(rule.value, value)) {
                return this; // what the library sets anyway
            }
            String shown = Secrets.isSecretKey(key) ? "[hidden]" : String.valueOf(value);
            throw new ConfigurationException(rule.value == null
                    ? owner + ": kafka property " + key + " is set by the library (" + rule.why + ")"
                    : owner + ": kafka property " + key + " must be " + text(rule.value) + " (" + rule.why
                    + ") but was " + shown);
        }

        /** Adds every entry of {@code properties} with {@link #put}. */
        public Builder putAll(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties");
            properties.forEach(this::put);
            return this;
        }

        /** Adds the connection's client settings (servers, security, client id) with {@link #put}. */
        public Builder connection(KafkaConnectionOptions connection) {
            Objects.requireNonNull(connection, "connection");
            return putAll(connection.clientProperties());
        }

        /** Whether a value was given under {@code key}. */
        public boolean contains(String key) {
            return values.containsKey(key);
        }

        /** The value given under {@code key}, or null. */
        public Object get(String key) {
            return values.get(key);
        }

        public ClientProperties build() {
            return new ClientProperties(owner, values);
        }

        private static boolean sameValue(Object required, Object given) {
            return text(required).equalsIgnoreCase(text(given).trim());
        }

        private static String text(Object value) {
            return value instanceof Class<?> c ? c.getName() : String.valueOf(value);
        }
    }

    private record Owned(Object value, String why) {
    }
}
