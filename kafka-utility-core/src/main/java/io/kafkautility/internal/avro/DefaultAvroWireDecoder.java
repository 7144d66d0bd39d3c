package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.AvroWireDecoder;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.SchemaRegistryException;
import io.kafkautility.avro.UnknownSchemaException;
import io.kafkautility.avro.WriterSchemaResolver;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/** Default {@link AvroWireDecoder}: one resolving reader per writer schema id, checked for compatibility once. */
public final class DefaultAvroWireDecoder implements AvroWireDecoder {
    private static final int MAX_READERS = 1_000;

    private final WriterSchemaResolver resolver;
    private final Schema readerSchema;
    private final ConcurrentHashMap<Integer, Object> readers = new ConcurrentHashMap<>();

    public DefaultAvroWireDecoder(WriterSchemaResolver resolver, Schema readerSchema) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
    }

    @Override
    public GenericRecord decode(byte[] value) {
        if (value == null) {
            throw new AvroDecodingException(Reason.NULL_VALUE, -1, "record has no value", null);
        }
        if (value.length == 0) {
            throw new AvroDecodingException(Reason.EMPTY, -1, "record value is empty", null);
        }
        if (value[0] != AvroWireFormat.MAGIC_BYTE) {
            throw new AvroDecodingException(Reason.WRONG_MAGIC_BYTE, -1,
                    "record value starts with byte " + (value[0] & 0xff) + ", not the magic byte 0", null);
        }
        if (value.length < AvroWireFormat.HEADER_LENGTH) {
            throw new AvroDecodingException(Reason.TRUNCATED, -1,
                    "record value has " + value.length + " bytes, fewer than the 5-byte header", null);
        }
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        Reader reader = reader(schemaId);
        try {
            // every length and count the bytes claim checked against the bytes there before the reader allocates for it
            if (reader.bounds().end(value, AvroWireFormat.HEADER_LENGTH, schemaId) != value.length) {
                throw new AvroDecodingException(Reason.UNDECODABLE, schemaId,
                        "bytes left over after the datum of schema id " + schemaId, null);
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, AvroWireFormat.HEADER_LENGTH,
                    value.length - AvroWireFormat.HEADER_LENGTH, null);
            return reader.datum().read(null, decoder);
        } catch (EOFException e) {
            throw new AvroDecodingException(Reason.TRUNCATED, schemaId,
                    "datum of schema id " + schemaId + " ends early", e);
        } catch (AvroDecodingException e) {
            throw e;
        } catch (java.io.IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Avro reports malformed data through many exception types (AvroRuntimeException, ArrayIndexOutOfBounds,
            // NegativeArraySize); none carries the payload. OOM for a huge bogus item count of items that take no
            // bytes (see DatumBounds), stack overflow for a datum of a recursive schema nested too deep.
            throw new AvroDecodingException(Reason.UNDECODABLE, schemaId, "bytes are not a valid datum of schema id "
                    + schemaId + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** A resolving reader of one writer schema, with the bounds check of its datums. */
    private record Reader(GenericDatumReader<GenericRecord> datum, DatumBounds bounds) {
    }

    private Reader reader(int schemaId) {
        Object cached = readers.get(schemaId);
        if (cached instanceof Reader reader) {
            return reader;
        }
        if (cached instanceof AvroDecodingException incompatible) {
            throw new AvroDecodingException(Reason.UNDECODABLE, schemaId, incompatible.getMessage(), null);
        }
        Schema writer;
        try {
            writer = resolver.writerSchema(schemaId);
        } catch (UnknownSchemaException e) {
            throw new AvroDecodingException(Reason.UNKNOWN_SCHEMA_ID, schemaId, e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new AvroDecodingException(e.isRetriable() ? Reason.REGISTRY_UNAVAILABLE : Reason.UNDECODABLE,
                    schemaId, "writer schema " + schemaId + " could not be fetched: " + e.getMessage(), e);
        }
        if (readers.size() >= MAX_READERS) {
            readers.clear();
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            AvroDecodingException e = new AvroDecodingException(Reason.UNDECODABLE, schemaId,
                    "writer schema id " + schemaId + " (" + writer.getFullName() + ") cannot be read as "
                            + readerSchema.getFullName() + ": " + compatibility.getDescription(), null);
            readers.put(schemaId, e);
            throw e;
        }
        Reader reader = new Reader(new GenericDatumReader<>(writer, readerSchema), new DatumBounds(writer));
        readers.put(schemaId, reader);
        return reader;
    }

    @Override
    public Schema readerSchema() {
        return readerSchema;
    }
}
