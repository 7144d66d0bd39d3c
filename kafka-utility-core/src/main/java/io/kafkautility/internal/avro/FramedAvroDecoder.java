package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.SchemaRegistryException;
import io.kafkautility.avro.UnknownSchemaException;
import io.kafkautility.avro.WriterSchemaResolver;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Confluent-framed Avro decoder does: checks the frame, finds the writer schema by id, prepares a
 * {@link Plan} for it once (cached, bounded; a rejected schema is cached as its rejection), bounds-checks the datum
 * against the bytes and runs the plan. Subclasses say how a plan is made.
 */
abstract class FramedAvroDecoder<T> {
    private static final Logger log = LoggerFactory.getLogger(FramedAvroDecoder.class);
    private static final int MAX_PLANS = 1_000;

    /** Reads one datum of the writer schema it was made for. */
    interface Plan<T> {
        T read(BinaryDecoder decoder) throws IOException;
    }

    private record Prepared<T>(Plan<T> plan, DatumBounds bounds) {
    }

    private final WriterSchemaResolver resolver;
    private final ConcurrentHashMap<Integer, Object> plans = new ConcurrentHashMap<>();

    FramedAvroDecoder(WriterSchemaResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * The plan for records of {@code writer}; called once per schema id.
     *
     * @throws AvroDecodingException (normally {@code INCOMPATIBLE_SCHEMA}) when no record of it can be read
     */
    abstract Plan<T> plan(Schema writer, int schemaId);

    final T decodeValue(byte[] value) {
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
        Prepared<T> prepared = prepared(schemaId);
        try {
            // every length and count the bytes claim checked against the bytes there before the reader allocates for it
            if (prepared.bounds().end(value, AvroWireFormat.HEADER_LENGTH, schemaId) != value.length) {
                throw new AvroDecodingException(Reason.UNDECODABLE, schemaId,
                        "bytes left over after the datum of schema id " + schemaId, null);
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, AvroWireFormat.HEADER_LENGTH,
                    value.length - AvroWireFormat.HEADER_LENGTH, null);
            return prepared.plan().read(decoder);
        } catch (EOFException e) {
            throw new AvroDecodingException(Reason.TRUNCATED, schemaId,
                    "datum of schema id " + schemaId + " ends early", e);
        } catch (AvroDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Avro reports malformed data through many exception types (AvroRuntimeException, ArrayIndexOutOfBounds,
            // NegativeArraySize); none carries the payload. OOM for a huge bogus item count of items that take no
            // bytes (see DatumBounds), stack overflow for a datum of a recursive schema nested too deep.
            throw new AvroDecodingException(Reason.UNDECODABLE, schemaId, "bytes are not a valid datum of schema id "
                    + schemaId + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private Prepared<T> prepared(int schemaId) {
        Object cached = plans.get(schemaId);
        if (cached instanceof Prepared<?> prepared) {
            return (Prepared<T>) prepared;
        }
        if (cached instanceof AvroDecodingException rejected) {
            throw new AvroDecodingException(rejected.reason(), schemaId, rejected.getMessage(), null);
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
        if (plans.size() >= MAX_PLANS) {
            plans.clear();
        }
        Prepared<T> prepared;
        try {
            prepared = new Prepared<>(plan(writer, schemaId), new DatumBounds(writer));
        } catch (AvroDecodingException e) {
            if (plans.putIfAbsent(schemaId, e) == null) {
                log.warn("Writer schema id {} ({}) rejected; every record written with it is skipped: {}", schemaId,
                        writer.getFullName(), e.getMessage());
            }
            throw e;
        } catch (RuntimeException e) {
            AvroDecodingException rejected = new AvroDecodingException(Reason.INCOMPATIBLE_SCHEMA, schemaId,
                    "writer schema id " + schemaId + " (" + writer.getFullName() + ") could not be prepared: "
                            + e.getClass().getSimpleName(), e);
            if (plans.putIfAbsent(schemaId, rejected) == null) {
                log.warn("Writer schema id {} ({}) rejected; every record written with it is skipped: {}", schemaId,
                        writer.getFullName(), rejected.getMessage());
            }
            throw rejected;
        }
        plans.put(schemaId, prepared);
        return prepared;
    }
}
