package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.WriterSchemaMapper;
import io.kafkautility.avro.WriterSchemaResolver;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Default {@link MappingAvroDecoder}: a plain reader of each writer schema, then the mapper's mapping for it. */
public final class DefaultMappingAvroDecoder<T> extends FramedAvroDecoder<T> implements MappingAvroDecoder<T> {
    private static final Logger log = LoggerFactory.getLogger(DefaultMappingAvroDecoder.class);

    private final WriterSchemaMapper<T> mapper;

    public DefaultMappingAvroDecoder(WriterSchemaResolver resolver, WriterSchemaMapper<T> mapper) {
        super(resolver);
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public T decode(byte[] value) {
        return decodeValue(value);
    }

    @Override
    Plan<T> plan(Schema writer, int schemaId) {
        // a nullable record at the top (["null", record], as some tools derive for a nullable row) is that record
        Schema record = writer;
        if (writer.getType() == Schema.Type.UNION && writer.getTypes().size() == 2
                && writer.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
            record = writer.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        if (record.getType() != Schema.Type.RECORD) {
            throw new AvroDecodingException(Reason.INCOMPATIBLE_SCHEMA, schemaId, "writer schema id " + schemaId
                    + " is a " + writer.getType().getName() + ", not a record", null);
        }
        WriterSchemaMapper.Mapping<T> mapping = mapper.mappingFor(record, schemaId);
        if (mapping == null) {
            throw new AvroDecodingException(Reason.INCOMPATIBLE_SCHEMA, schemaId, "writer schema id " + schemaId
                    + " (" + writer.getFullName() + "): the mapper returned no mapping", null);
        }
        log.info("Writer schema id {} ({}) mapped by field: {}", schemaId, record.getFullName(),
                mapping.description());
        GenericDatumReader<Object> datum = new GenericDatumReader<>(writer);
        return decoder -> {
            Object value = datum.read(null, decoder);
            if (!(value instanceof GenericRecord r)) {
                throw new AvroDecodingException(Reason.INVALID_FIELD, schemaId, "the record of schema id " + schemaId
                        + " is null", null);
            }
            return mapping.map(r);
        };
    }
}
