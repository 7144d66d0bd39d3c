package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.WriterSchemaMapper;
import io.kafkautility.avro.WriterSchemaResolver;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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
        // strings read straight into java.lang.String (not Utf8 and then a copy): a mapping takes them as they are
        GenericDatumReader<Object> datum = new GenericDatumReader<>(withJavaStrings(writer));
        return decoder -> {
            Object value = datum.read(null, decoder);
            if (!(value instanceof GenericRecord r)) {
                throw new AvroDecodingException(Reason.INVALID_FIELD, schemaId, "the record of schema id " + schemaId
                        + " is null", null);
            }
            return mapping.map(r);
        };
    }

    /** A copy of {@code schema} whose strings Avro reads as {@code java.lang.String}. */
    static Schema withJavaStrings(Schema schema) {
        Schema copy = new Schema.Parser().setValidateDefaults(false).parse(schema.toString());
        mark(copy, Collections.newSetFromMap(new IdentityHashMap<>()));
        return copy;
    }

    private static void mark(Schema s, Set<Schema> seen) {
        if (!seen.add(s)) {
            return;
        }
        switch (s.getType()) {
            case STRING -> {
                if (s.getProp(GenericData.STRING_PROP) == null) {
                    s.addProp(GenericData.STRING_PROP, GenericData.StringType.String.name());
                }
            }
            case RECORD -> s.getFields().forEach(f -> mark(f.schema(), seen));
            case UNION -> s.getTypes().forEach(t -> mark(t, seen));
            case ARRAY -> mark(s.getElementType(), seen);
            case MAP -> mark(s.getValueType(), seen);
            default -> { }
        }
    }
}
