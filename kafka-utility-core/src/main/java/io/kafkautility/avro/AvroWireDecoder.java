package io.kafkautility.avro;

import io.kafkautility.internal.avro.DefaultAvroWireDecoder;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Decodes Confluent-framed Avro ({@link AvroWireFormat}) into {@link GenericRecord}s of the reader schema: the writer
 * schema is looked up by the record's schema id through a {@link WriterSchemaResolver} (normally a
 * {@link SchemaRegistryClient}) and resolved against the reader schema, so records written with an older or newer
 * compatible schema decode (missing fields take their defaults, unknown fields are skipped).
 *
 * <p>Thread-safe; one resolving datum reader per writer schema id is built once and cached (bounded). Nothing to close.
 */
public interface AvroWireDecoder {

    /**
     * A decoder producing records of {@code readerSchema}.
     *
     * @param resolver     finds writer schemas by id; not closed by the decoder
     * @param readerSchema the schema the application reads (e.g. from kafka-utility-schemas)
     */
    static AvroWireDecoder create(WriterSchemaResolver resolver, Schema readerSchema) {
        return new DefaultAvroWireDecoder(resolver, readerSchema);
    }

    /**
     * Decodes one record value. Every length and item count the bytes claim is checked against the bytes actually there
     * before anything is allocated for it, so a few bytes claiming a huge string or array fail at once as
     * {@link AvroDecodingException.Reason#TRUNCATED}.
     *
     * @param value the record's value bytes; may be null (reported as {@link AvroDecodingException.Reason#NULL_VALUE})
     * @throws AvroDecodingException for every kind of bad input, with its {@link AvroDecodingException#reason()}; the
     *         message never contains the payload
     */
    GenericRecord decode(byte[] value);

    /** The reader schema. */
    Schema readerSchema();
}
