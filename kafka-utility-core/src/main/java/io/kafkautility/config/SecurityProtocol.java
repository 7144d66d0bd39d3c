package io.kafkautility.config;

import java.util.Locale;

/**
 * Kafka's {@code security.protocol} values: whether the connection is encrypted (TLS) and whether the client
 * authenticates with SASL.
 */
public enum SecurityProtocol {
    /** No TLS, no SASL. Kafka's default. */
    PLAINTEXT(false, false),
    /** TLS, no SASL (a client certificate may still authenticate the client). */
    SSL(true, false),
    /** SASL over an unencrypted connection. */
    SASL_PLAINTEXT(false, true),
    /** SASL over TLS. */
    SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    SecurityProtocol(boolean tls, boolean sasl) {
        this.tls = tls;
        this.sasl = sasl;
    }

    /** Whether the connection uses TLS. */
    public boolean usesTls() {
        return tls;
    }

    /** Whether the client authenticates with SASL. */
    public boolean usesSasl() {
        return sasl;
    }

    /**
     * Parses a name case-insensitively ({@code sasl_ssl} is {@link #SASL_SSL}).
     *
     * @throws ConfigurationException naming the valid values if {@code name} is not one of them
     */
    public static SecurityProtocol parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (SecurityProtocol p : values()) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        throw new ConfigurationException("securityProtocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL but was '"
                + name + "'");
    }
}
