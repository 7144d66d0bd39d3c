package io.kafkautility.avro;

import org.apache.avro.Schema;

/**
 * Finds the writer schema of a Confluent-framed Avro record by its schema id. The pluggable part of
 * {@link AvroWireDecoder}: the default is a {@link SchemaRegistryClient}; tests or services with a fixed set of schemas
 * may plug in a map.
 *
 * <p>Implementations must be thread-safe and should cache: the decoder calls this for every record (it caches its own
 * datum readers, but not the schema lookups of a resolver it does not own).
 */
@FunctionalInterface
public interface WriterSchemaResolver {

    /**
     * The writer schema registered under {@code schemaId}.
     *
     * @throws UnknownSchemaException if no schema has that id (not retriable)
     * @throws SchemaRegistryException if the lookup failed; {@link SchemaRegistryException#isRetriable()} says whether
     *         it was transient (registry unreachable, 5xx, timeout)
     */
    Schema writerSchema(int schemaId);
}
