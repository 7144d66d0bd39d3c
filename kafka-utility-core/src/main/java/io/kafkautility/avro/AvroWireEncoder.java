package io.kafkautility.avro;

import io.kafkautility.internal.avro.DefaultAvroWireEncoder;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Encodes {@link GenericRecord}s of one schema in the Confluent wire format ({@link AvroWireFormat}), registering the
 * schema under a subject on first use (the id is cached afterwards; a failed registration is tried again on the next
 * call).
 *
 * <p>Thread-safe; build once per schema and share. Nothing to close.
 */
public interface AvroWireEncoder {

    /**
     * An encoder for {@code schema}, registered under {@code subject} (e.g. {@link AvroWireFormat#valueSubject(String)}).
     */
    static AvroWireEncoder create(SchemaRegistryClient registry, String subject, Schema schema) {
        return new DefaultAvroWireEncoder(registry, subject, schema);
    }

    /**
     * Frames and encodes {@code record}.
     *
     * @throws SchemaRegistryException if the schema could not be registered (retriable when the registry was
     *         unreachable)
     * @throws IllegalArgumentException if the record does not match the schema (names the offending field, no values)
     */
    byte[] encode(GenericRecord record);

    /** The writer schema. */
    Schema schema();
}
