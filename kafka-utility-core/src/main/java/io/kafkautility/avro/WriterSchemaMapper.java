package io.kafkautility.avro;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Decides, once per writer schema, how records written with it become application values: the by-field alternative to
 * Avro's reader-schema resolution ({@link AvroWireDecoder}), for producers that write the same fields under schemas of
 * their own (another record name, nullable unions, strings for enums, other timestamp types), as Flink SQL's
 * {@code avro-confluent} format and most non-Java producers do. Used through {@link MappingAvroDecoder}.
 *
 * <p>Implementations must be thread-safe; {@link #mappingFor} is called once per writer schema id (the decoder caches
 * the result, bounded), so it may do all the work of matching fields by name and leave {@link Mapping#map} a few field
 * reads by position.
 *
 * @param <T> what a record becomes
 */
@FunctionalInterface
public interface WriterSchemaMapper<T> {

    /**
     * How records of {@code writer} become values of {@code T}.
     *
     * @param writer   the writer schema as registered
     * @param schemaId its id in the registry (for messages)
     * @throws AvroDecodingException with {@link AvroDecodingException.Reason#INCOMPATIBLE_SCHEMA} and a message naming
     *         the field and the schema id when the writer schema lacks something required; every record of that schema
     *         is then rejected with the same exception, without calling this again
     */
    Mapping<T> mappingFor(Schema writer, int schemaId);

    /**
     * Turns one record of the writer schema it was made for into a {@code T}. Thread-safe.
     *
     * @param <T> what a record becomes
     */
    interface Mapping<T> {

        /**
         * The value held by {@code record} (a record of the writer schema, decoded without resolution).
         *
         * @throws AvroDecodingException with {@link AvroDecodingException.Reason#INVALID_FIELD} and a message naming
         *         the field when a value cannot be taken (a null where one is required, an unknown symbol)
         */
        T map(GenericRecord record);

        /** One line saying how the writer's fields were mapped (logged once per writer schema at INFO). */
        String description();
    }
}
