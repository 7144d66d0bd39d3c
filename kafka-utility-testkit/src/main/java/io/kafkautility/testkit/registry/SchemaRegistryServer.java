package io.kafkautility.testkit.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-JVM HTTP server implementing the subset of the Confluent Schema Registry REST API that kafka-utility uses, for
 * tests and the embedded demo:
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} with {@code {"schema": "..."}}: registers (or finds) the schema and
 *       answers {@code {"id": n}}. Ids are global and start at 1; the same schema text gets the same id under any
 *       subject, like Confluent's registry. No compatibility checks.</li>
 *   <li>{@code GET /schemas/ids/{id}}: {@code {"schema": "..."}}, or 404 with {@code error_code} 40403.</li>
 *   <li>{@code GET /subjects/{subject}/versions/latest}: {@code {"subject","id","version","schema"}}, or 404 / 40401.</li>
 *   <li>{@code GET /subjects}: the subject names.</li>
 * </ul>
 * Optional HTTP basic authentication ({@link #start(String, String)}): requests without the right credentials get 401.
 * For fault tests, {@link #unavailable(boolean)} makes every request answer 503 and {@link #requestCount()} counts
 * requests. Schemas are compared as exact text (no canonicalization).
 *
 * <p>Listens on 127.0.0.1 on a free port. Thread-safe. The creator owns it and must {@link #close()} it.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern REGISTER = Pattern.compile("^/subjects/([^/]+)/versions/?$");
    private static final Pattern LATEST = Pattern.compile("^/subjects/([^/]+)/versions/latest/?$");
    private static final Pattern BY_ID = Pattern.compile("^/schemas/ids/(-?\\d+)/?$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String expectedAuthorization;
    private final Object lock = new Object();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean unavailable;

    private SchemaRegistryServer(String username, String password) throws IOException {
        this.expectedAuthorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-server-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("Schema registry test server listening at {}", url());
    }

    /** Starts a server without authentication. */
    public static SchemaRegistryServer start() {
        return start(null, null);
    }

    /**
     * Starts a server requiring HTTP basic authentication with these credentials (both null: no authentication).
     *
     * @throws IllegalStateException if the server cannot bind a port
     */
    public static SchemaRegistryServer start(String username, String password) {
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password must both be set or both be null");
        }
        try {
            return new SchemaRegistryServer(username, password);
        } catch (IOException e) {
            throw new IllegalStateException("schema registry test server could not start: " + e, e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}; what {@code KAFKA_SCHEMA_REGISTRY_URL} should be. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** While true every request is answered with 503 (the registry "is down"). */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Requests received so far (including rejected ones). */
    public long requestCount() {
        return requests.get();
    }

    /** Registers a schema directly (as {@code POST /subjects/{subject}/versions} would) and returns its id. */
    public int register(String subject, String schema) {
        synchronized (lock) {
            Integer id = idsBySchema.get(schema);
            if (id == null) {
                id = nextId.getAndIncrement();
                idsBySchema.put(schema, id);
                schemasById.put(id, schema);
            }
            List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!versions.contains(id)) {
                versions.add(id);
            }
            return id;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (unavailable) {
                respond(exchange, 503, error(50003, "Schema registry is unavailable (test fault)"));
                return;
            }
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                respond(exchange, 401, error(40101, "Unauthorized"));
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Matcher m;
            if ("GET".equals(method) && (m = BY_ID.matcher(path)).matches()) {
                String schema;
                synchronized (lock) {
                    schema = schemasById.get(Integer.parseInt(m.group(1)));
                }
                if (schema == null) {
                    respond(exchange, 404, error(40403, "Schema " + m.group(1) + " not found"));
                } else {
                    respond(exchange, 200, "{\"schema\":" + Json.quote(schema) + "}");
                }
            } else if ("GET".equals(method) && (m = LATEST.matcher(path)).matches()) {
                String subject = decode(m.group(1));
                String body = null;
                synchronized (lock) {
                    List<Integer> versions = versionsBySubject.get(subject);
                    if (versions != null && !versions.isEmpty()) {
                        int id = versions.get(versions.size() - 1);
                        body = "{\"subject\":" + Json.quote(subject) + ",\"id\":" + id + ",\"version\":"
                                + versions.size() + ",\"schema\":" + Json.quote(schemasById.get(id)) + "}";
                    }
                }
                if (body == null) {
                    respond(exchange, 404, error(40401, "Subject '" + subject + "' not found."));
                } else {
                    respond(exchange, 200, body);
                }
            } else if ("POST".equals(method) && (m = REGISTER.matcher(path)).matches()) {
                String subject = decode(m.group(1));
                String schema;
                try (InputStream in = exchange.getRequestBody()) {
                    Object body = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    Object s = body instanceof Map<?, ?> map ? map.get("schema") : null;
                    Object type = body instanceof Map<?, ?> map ? map.get("schemaType") : null;
                    if (type != null && !"AVRO".equals(type)) {
                        respond(exchange, 422, error(42201, "Only AVRO schemas are supported by this test server"));
                        return;
                    }
                    if (!(s instanceof String) || ((String) s).isBlank()) {
                        respond(exchange, 422, error(42201, "Request must contain a schema string"));
                        return;
                    }
                    schema = (String) s;
                } catch (IllegalArgumentException e) {
                    respond(exchange, 400, error(400, "Malformed JSON: " + e.getMessage()));
                    return;
                }
                respond(exchange, 200, "{\"id\":" + register(subject, schema) + "}");
            } else if ("GET".equals(method) && ("/subjects".equals(path) || "/subjects/".equals(path))) {
                StringBuilder b = new StringBuilder("[");
                synchronized (lock) {
                    for (String s : versionsBySubject.keySet()) {
                        b.append(b.length() > 1 ? "," : "").append(Json.quote(s));
                    }
                }
                respond(exchange, 200, b.append(']').toString());
            } else {
                respond(exchange, 404, error(404, "HTTP 404 Not Found"));
            }
        } catch (RuntimeException e) {
            log.warn("Schema registry test server failed a request: {}", e.toString());
            respond(exchange, 500, error(50001, "Internal error"));
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private static String error(int code, String message) {
        return "{\"error_code\":" + code + ",\"message\":" + Json.quote(message) + "}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening and releases the threads. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SchemaRegistryServer{" + url() + ", auth=" + (expectedAuthorization != null) + "}";
    }
}
