package io.kafkautility.avro;

import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.internal.avro.HttpSchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API subset kafka-utility needs ({@code GET /schemas/ids/{id}},
 * {@code POST /subjects/{subject}/versions}); works with Confluent's registry and compatible ones (Apicurio's
 * {@code /apis/ccompat/v7}).
 *
 * <p>Schemas by id and registrations are cached (bounded); ids the registry does not know are remembered for
 * {@link SchemaRegistryOptions#negativeCacheTtl()} so a stream of records with a bad id does not hammer the registry.
 * Thread-safe; create one per registry and share it. It holds no threads or sockets of its own beyond the JDK's
 * {@link java.net.http.HttpClient}, so there is nothing to close. Calls block the calling thread for at most the request
 * timeout.
 */
public interface SchemaRegistryClient extends WriterSchemaResolver {

    /** A client for the registry described by {@code options}. */
    static SchemaRegistryClient create(SchemaRegistryOptions options) {
        return new HttpSchemaRegistryClient(options);
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it if already registered) and returns its id.
     *
     * @throws SchemaRegistryException if the registry refuses it (e.g. 409 incompatible, not retriable) or cannot be
     *         reached (retriable)
     */
    int register(String subject, Schema schema);

    /**
     * The latest schema registered under {@code subject} with its id.
     *
     * @throws SchemaRegistryException if the subject does not exist (404, not retriable) or on transport failure
     */
    RegisteredSchema latest(String subject);

    /**
     * What the requests made so far say about the registry, without a request of its own: UP before the first request
     * and while the last one was answered; DOWN while the last request failed (unreachable, timed out, HTTP 5xx / 429
     * / 408) and none succeeded since; DEGRADED for a minute after a failure once requests succeed again. A 404 for an
     * unknown id is an answer, not a failure. Reasons name the request and the error class, never credentials.
     * Implementations that do not track this report UP.
     */
    default Health health() {
        return Health.of("schema-registry", HealthStatus.UP, List.of(), Map.of("tracked", false));
    }

    /** A schema and the id the registry gave it. */
    record RegisteredSchema(int id, int version, Schema schema) {
    }
}
