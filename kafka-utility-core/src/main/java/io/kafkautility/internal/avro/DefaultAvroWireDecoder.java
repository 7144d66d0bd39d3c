package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.AvroWireDecoder;
import io.kafkautility.avro.WriterSchemaResolver;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Default {@link AvroWireDecoder}: one resolving reader per writer schema id, checked for compatibility once. */
public final class DefaultAvroWireDecoder extends FramedAvroDecoder<GenericRecord> implements AvroWireDecoder {

    private final Schema readerSchema;

    public DefaultAvroWireDecoder(WriterSchemaResolver resolver, Schema readerSchema) {
        super(resolver);
        this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
    }

    @Override
    public GenericRecord decode(byte[] value) {
        return decodeValue(value);
    }

    @Override
    Plan<GenericRecord> plan(Schema writer, int schemaId) {
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new AvroDecodingException(Reason.INCOMPATIBLE_SCHEMA, schemaId,
                    "writer schema id " + schemaId + " (" + writer.getFullName() + ") cannot be read as "
                            + readerSchema.getFullName() + ": " + compatibility.getDescription(), null);
        }
        GenericDatumReader<GenericRecord> datum = new GenericDatumReader<>(writer, readerSchema);
        return decoder -> datum.read(null, decoder);
    }

    @Override
    public Schema readerSchema() {
        return readerSchema;
    }
}
