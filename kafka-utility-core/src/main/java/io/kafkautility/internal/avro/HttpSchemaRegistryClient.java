package io.kafkautility.internal.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryException;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.avro.UnknownSchemaException;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SchemaRegistryClient} over {@link HttpClient} with positive and negative caches. */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** How long after a failed request the registry stays DEGRADED once it answers again. */
    private static final java.time.Duration RECENT_FAILURE = java.time.Duration.ofSeconds(60);

    private final SchemaRegistryOptions options;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final String authorization;
    private final BoundedCache<Integer, Schema> byId;
    private final BoundedCache<Integer, Long> unknownUntil;
    private final BoundedCache<String, Integer> registered;
    // what the requests so far say about the registry (health); written by whichever thread made the request
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastAnsweredMillis = -1;
    private volatile long lastFailedMillis = -1;
    private volatile long failingSinceMillis = -1;
    private volatile String lastFailure;

    public HttpSchemaRegistryClient(SchemaRegistryOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.authorization = options.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (options.username() + ":" + options.password()).getBytes(StandardCharsets.UTF_8));
        this.byId = new BoundedCache<>(options.cacheCapacity());
        this.unknownUntil = new BoundedCache<>(options.cacheCapacity());
        this.registered = new BoundedCache<>(options.cacheCapacity());
    }

    @Override
    public Schema writerSchema(int schemaId) {
        Schema cached = byId.get(schemaId);
        if (cached != null) {
            return cached;
        }
        long now = options.clock().millis();
        Long until = unknownUntil.get(schemaId);
        if (until != null) {
            if (now < until) {
                throw new UnknownSchemaException(schemaId, "schema id " + schemaId + " is unknown to the registry at "
                        + options.url() + " (cached answer)");
            }
            unknownUntil.remove(schemaId);
        }
        HttpResponse<String> response = send(get("/schemas/ids/" + schemaId), "GET /schemas/ids/" + schemaId);
        if (response.statusCode() == 404) {
            if (!options.negativeCacheTtl().isZero()) {
                unknownUntil.put(schemaId, now + options.negativeCacheTtl().toMillis());
            }
            throw new UnknownSchemaException(schemaId, "schema id " + schemaId + " is unknown to the registry at "
                    + options.url());
        }
        JsonNode body = ok(response, "GET /schemas/ids/" + schemaId);
        Schema schema = parse(body, "GET /schemas/ids/" + schemaId);
        byId.put(schemaId, schema);
        return schema;
    }

    @Override
    public int register(String subject, Schema schema) {
        String key = subject + '\u0000' + schema.toString();
        Integer cached = registered.get(key);
        if (cached != null) {
            return cached;
        }
        String body;
        try {
            body = json.writeValueAsString(java.util.Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String what = "POST /subjects/" + subject + "/versions";
        HttpRequest request = builder("/subjects/" + encode(subject) + "/versions")
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        JsonNode answer = ok(send(request, what), what);
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(what + " answered without an id", 200, false, null);
        }
        int schemaId = id.intValue();
        registered.put(key, schemaId);
        byId.put(schemaId, schema);
        log.debug("Schema {} registered under subject {} with id {}", schema.getFullName(), subject, schemaId);
        return schemaId;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        String what = "GET /subjects/" + subject + "/versions/latest";
        JsonNode answer = ok(send(get("/subjects/" + encode(subject) + "/versions/latest"), what), what);
        Schema schema = parse(answer, what);
        JsonNode id = answer.get("id");
        JsonNode version = answer.get("version");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(what + " answered without an id", 200, false, null);
        }
        return new RegisteredSchema(id.intValue(), version == null ? -1 : version.intValue(), schema);
    }

    private HttpRequest get(String path) {
        return builder(path).GET().build();
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(options.url() + path))
                .timeout(options.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        requests.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            failed(what + ": " + e.getClass().getSimpleName());
            throw new SchemaRegistryException(what + " to " + options.url() + " failed: " + e, -1, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(what + " to " + options.url() + " was interrupted", -1, true, e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 408) {
            failed(what + ": HTTP " + status);
        } else {
            lastAnsweredMillis = options.clock().millis();
            failingSinceMillis = -1;
        }
        return response;
    }

    private void failed(String reason) {
        long now = options.clock().millis();
        failures.incrementAndGet();
        lastFailure = reason;
        lastFailedMillis = now;
        if (failingSinceMillis < 0) {
            failingSinceMillis = now;
        }
    }

    @Override
    public Health health() {
        long now = options.clock().millis();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", options.url());
        details.put("requests", requests.get());
        details.put("failures", failures.get());
        details.put("cachedSchemas", (long) byId.size());
        long since = failingSinceMillis;
        long failedAt = lastFailedMillis;
        if (since >= 0) {
            return Health.of("schema-registry", HealthStatus.DOWN, List.of("the registry at " + options.url()
                    + " has not answered for " + (now - since) / 1000 + " s (last: " + lastFailure
                    + "); replies with schema ids not cached yet wait for it"), details);
        }
        if (failedAt >= 0 && now - failedAt < RECENT_FAILURE.toMillis()) {
            return Health.of("schema-registry", HealthStatus.DEGRADED, List.of("the registry at " + options.url()
                    + " failed a request " + (now - failedAt) / 1000 + " s ago (" + lastFailure
                    + "), answered since"), details);
        }
        return Health.of("schema-registry", HealthStatus.UP, List.of(), details);
    }

    private JsonNode ok(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        if (status / 100 != 2) {
            boolean retriable = status >= 500 || status == 429 || status == 408;
            throw new SchemaRegistryException(what + " to " + options.url() + " answered HTTP " + status
                    + errorDetail(response.body()), status, retriable, null);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(what + " answered HTTP " + status + " with a body that is not JSON",
                    status, false, e);
        }
    }

    private String errorDetail(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.has("error_code")) {
                return " (error_code " + node.get("error_code").asText() + ": " + abbreviate(
                        node.path("message").asText()) + ")";
            }
        } catch (IOException | RuntimeException e) {
            // not a registry error document
        }
        return "";
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private Schema parse(JsonNode body, String what) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(what + " returned a " + type.asText() + " schema, not AVRO", 200, false,
                    null);
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(what + " answered without a schema", 200, false, null);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(what + " returned a schema Avro cannot parse: " + e.getMessage(), 200,
                    false, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient{" + options + "}";
    }
}
