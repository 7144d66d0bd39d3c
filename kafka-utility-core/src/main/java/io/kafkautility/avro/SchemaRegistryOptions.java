package io.kafkautility.avro;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of a {@link SchemaRegistryClient}. Build with {@link #builder(String)}; every value is checked at
 * the call. {@code toString()} never shows the password.
 *
 * <p>Defaults: connect timeout {@value #DEFAULT_CONNECT_TIMEOUT_MS} ms, request timeout
 * {@value #DEFAULT_REQUEST_TIMEOUT_MS} ms, cache capacity {@value #DEFAULT_CACHE_CAPACITY} schemas, unknown ids
 * remembered for {@value #DEFAULT_NEGATIVE_CACHE_TTL_MS} ms, no authentication, the system UTC clock.
 */
public final class SchemaRegistryOptions {

    /** Environment variable holding the registry's base URL. */
    public static final String ENV_URL = "KAFKA_SCHEMA_REGISTRY_URL";
    /** Environment variable holding the basic-auth user name (optional). */
    public static final String ENV_USERNAME = "KAFKA_SCHEMA_REGISTRY_USERNAME";
    /** Environment variable holding the basic-auth password (optional). */
    public static final String ENV_PASSWORD = "KAFKA_SCHEMA_REGISTRY_PASSWORD";

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_CACHE_CAPACITY = 1_000;
    public static final long DEFAULT_NEGATIVE_CACHE_TTL_MS = 30_000;

    private final URI url;
    private final String username;
    private final String password;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int cacheCapacity;
    private final Duration negativeCacheTtl;
    private final Clock clock;

    private SchemaRegistryOptions(Builder b) {
        this.url = b.url;
        this.username = b.username;
        this.password = b.password;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.cacheCapacity = b.cacheCapacity;
        this.negativeCacheTtl = b.negativeCacheTtl;
        this.clock = b.clock;
    }

    /**
     * A builder for a registry at {@code url} (e.g. {@code http://localhost:8081}); a trailing slash is ignored.
     *
     * @throws IllegalArgumentException if the URL is blank or not http(s)
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /**
     * Options from environment-style variables: {@value #ENV_URL} (required), {@value #ENV_USERNAME} and
     * {@value #ENV_PASSWORD} (optional, together).
     *
     * @throws IllegalArgumentException if {@value #ENV_URL} is missing or invalid
     */
    public static SchemaRegistryOptions fromEnvironment(Map<String, String> env) {
        String url = env.get(ENV_URL);
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(ENV_URL + " must be set to the schema registry's URL");
        }
        Builder b = builder(url.trim());
        String user = env.get(ENV_USERNAME);
        if (user != null && !user.isBlank()) {
            b.basicAuth(user, env.getOrDefault(ENV_PASSWORD, ""));
        }
        return b.build();
    }

    public URI url() {
        return url;
    }

    /** The basic-auth user name, or null when no authentication is configured. */
    public String username() {
        return username;
    }

    /** The basic-auth password, or null; never printed by this class. */
    public String password() {
        return password;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How many schemas (by id) and registrations (by subject and schema) are cached. */
    public int cacheCapacity() {
        return cacheCapacity;
    }

    /** How long an id the registry did not know is answered from the cache without asking again. */
    public Duration negativeCacheTtl() {
        return negativeCacheTtl;
    }

    public Clock clock() {
        return clock;
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder(url.toString());
        b.username = username;
        b.password = password;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.cacheCapacity = cacheCapacity;
        b.negativeCacheTtl = negativeCacheTtl;
        b.clock = clock;
        return b;
    }

    @Override
    public String toString() {
        return "SchemaRegistryOptions{url=" + url + ", username=" + username
                + ", password=" + (password == null ? "null" : "[hidden]")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", cacheCapacity=" + cacheCapacity + ", negativeCacheTtl=" + negativeCacheTtl + "}";
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private URI url;
        private String username;
        private String password;
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS);
        private Duration requestTimeout = Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MS);
        private int cacheCapacity = DEFAULT_CACHE_CAPACITY;
        private Duration negativeCacheTtl = Duration.ofMillis(DEFAULT_NEGATIVE_CACHE_TTL_MS);
        private Clock clock = Clock.systemUTC();

        private Builder(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("url must not be blank");
            }
            String u = url.trim();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("url must be a valid URI but was '" + u + "'", e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("url must start with http:// or https:// but was '" + u + "'");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("url must not contain credentials; use basicAuth(user, password)");
            }
            this.url = uri;
        }

        /** HTTP basic authentication. */
        public Builder basicAuth(String username, String password) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("username must not be blank");
            }
            this.username = username;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        public Builder cacheCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("cacheCapacity must be >= 1 but was " + capacity);
            }
            this.cacheCapacity = capacity;
            return this;
        }

        /** How long unknown ids are remembered; {@link Duration#ZERO} disables the negative cache. */
        public Builder negativeCacheTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "negativeCacheTtl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("negativeCacheTtl must be >= 0 but was " + ttl);
            }
            this.negativeCacheTtl = ttl;
            return this;
        }

        /** The clock of the negative cache (a seam for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public SchemaRegistryOptions build() {
            return new SchemaRegistryOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
