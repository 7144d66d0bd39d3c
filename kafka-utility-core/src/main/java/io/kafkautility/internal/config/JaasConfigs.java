package io.kafkautility.internal.config;

/** Builds {@code sasl.jaas.config} values. The result is a secret. */
public final class JaasConfigs {

    private JaasConfigs() {
    }

    public static String forMechanism(String mechanism, String username, String password) {
        String module = switch (mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            default -> throw new IllegalArgumentException("no JAAS template for SASL mechanism " + mechanism);
        };
        return module + " required username=\"" + escape(username) + "\" password=\"" + escape(password) + "\";";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
