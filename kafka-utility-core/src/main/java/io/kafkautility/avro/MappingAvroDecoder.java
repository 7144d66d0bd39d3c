package io.kafkautility.avro;

import io.kafkautility.internal.avro.DefaultMappingAvroDecoder;

/**
 * Decodes Confluent-framed Avro ({@link AvroWireFormat}) with each record's own writer schema and turns it into a
 * {@code T} through a {@link WriterSchemaMapper}: records are accepted by the fields they carry, whatever their record
 * name, namespace or union shapes, instead of by Avro's reader-schema resolution rules ({@link AvroWireDecoder}).
 *
 * <p>Per writer schema id the writer schema is fetched once through the {@link WriterSchemaResolver}, the mapper decides
 * once how its records map (logged at INFO, or rejected once at WARN), and both are cached (bounded); a record then
 * costs one Avro read and the mapping's field reads. Every length and item count the bytes claim is checked against the
 * bytes there before anything is allocated for it.
 *
 * <p>Thread-safe. Nothing to close (the resolver is not owned).
 *
 * @param <T> what a record becomes
 */
public interface MappingAvroDecoder<T> {

    /**
     * A decoder that maps records through {@code mapper}.
     *
     * @param resolver finds writer schemas by id (normally a {@link SchemaRegistryClient}); not closed by the decoder
     * @param mapper   decides per writer schema how its records become {@code T}
     */
    static <T> MappingAvroDecoder<T> create(WriterSchemaResolver resolver, WriterSchemaMapper<T> mapper) {
        return new DefaultMappingAvroDecoder<>(resolver, mapper);
    }

    /**
     * Decodes and maps one record value.
     *
     * @param value the record's value bytes; may be null (reported as {@link AvroDecodingException.Reason#NULL_VALUE})
     * @throws AvroDecodingException for every kind of bad input, with its {@link AvroDecodingException#reason()}
     *         ({@link AvroDecodingException.Reason#INCOMPATIBLE_SCHEMA} for a writer schema the mapper rejected,
     *         {@link AvroDecodingException.Reason#INVALID_FIELD} for a value it could not take); the message never
     *         contains the payload
     */
    T decode(byte[] value);
}
