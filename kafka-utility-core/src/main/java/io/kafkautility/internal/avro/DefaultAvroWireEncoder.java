package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Default {@link AvroWireEncoder}: registers lazily, then frames with the cached id. */
public final class DefaultAvroWireEncoder implements AvroWireEncoder {
    private final SchemaRegistryClient registry;
    private final String subject;
    private final Schema schema;
    private final GenericDatumWriter<GenericRecord> writer;
    private volatile int schemaId = -1;

    public DefaultAvroWireEncoder(SchemaRegistryClient registry, String subject, Schema schema) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        this.subject = subject;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.writer = new GenericDatumWriter<>(schema);
    }

    @Override
    public byte[] encode(GenericRecord record) {
        Objects.requireNonNull(record, "record");
        int id = schemaId;
        if (id < 0) {
            id = registry.register(subject, schema);
            schemaId = id;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(AvroWireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("record does not match schema " + schema.getFullName() + ": "
                    + e.getClass().getSimpleName(), e);
        }
        return out.toByteArray();
    }

    @Override
    public Schema schema() {
        return schema;
    }
}
