package io.kafkautility.response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.WriterSchemaResolver;
import io.kafkautility.response.internal.RagResponseMapper;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts {@link RagResponse} to and from Avro {@link GenericRecord}s of the schema shipped in kafka-utility-schemas
 * ({@value #SCHEMA_RESOURCE}). Stateless and thread-safe; the parsed schema is built once per {@link #schema()} call, so
 * callers keep the result.
 */
public final class RagResponseAvro {

    /** Class-path location of the reply's Avro schema. */
    public static final String SCHEMA_RESOURCE = "/avro/rag-response.avsc";

    private RagResponseAvro() {
    }

    /**
     * Parses the reply schema from the class path (kafka-utility-schemas).
     *
     * @throws IllegalStateException if the schema is not on the class path
     */
    public static Schema schema() {
        try (InputStream in = RagResponseAvro.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the class path (kafka-utility-schemas)");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The decoder the response consumer reads replies with: Confluent-framed Avro of any writer schema that carries the
     * reply's fields, mapped by field name (the README's rules; another record name, nullable unions, a string status
     * and other timestamp types are fine). Thread-safe; decides once per writer schema id.
     *
     * @param resolver finds writer schemas by id (normally a {@link io.kafkautility.avro.SchemaRegistryClient}); not
     *                 closed by the decoder
     */
    public static MappingAvroDecoder<RagResponse> decoder(WriterSchemaResolver resolver) {
        return MappingAvroDecoder.create(resolver, new RagResponseMapper());
    }

    /** An Avro record of {@code schema} (the reply schema) holding {@code response}. */
    public static GenericRecord toAvro(RagResponse response, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("sessionId", response.sessionId());
        r.put("questionId", response.questionId());
        r.put("answer", response.answer());
        Schema sourceSchema = schema.getField("sources").schema().getElementType();
        List<GenericRecord> sources = new ArrayList<>();
        for (RagResponse.Source s : response.sources()) {
            GenericRecord sr = new GenericData.Record(sourceSchema);
            sr.put("documentId", s.documentId());
            sr.put("title", s.title());
            sr.put("score", s.score());
            sources.add(sr);
        }
        r.put("sources", new GenericData.Array<>(schema.getField("sources").schema(), sources));
        r.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), response.status().name()));
        r.put("error", response.error());
        r.put("timestamp", response.timestamp().toEpochMilli());
        Schema.Field kind = schema.getField("kind");
        if (kind != null) { // the schema before streaming has none of the three
            r.put("kind", new GenericData.EnumSymbol(kind.schema(), response.kind().name()));
            r.put("seq", response.seq());
            r.put("delta", response.delta());
        }
        return r;
    }

    /**
     * The reply held by an Avro record of the reply schema, or of any schema carrying its fields (the by-field rules
     * of the response consumer; see {@link KafkaResponseConsumer}).
     *
     * @throws IllegalArgumentException if a required field is missing, null or has the wrong type
     */
    public static RagResponse fromAvro(GenericRecord r) {
        try {
            return new RagResponseMapper().mappingFor(r.getSchema(), -1).map(r);
        } catch (AvroDecodingException e) {
            throw new IllegalArgumentException("Avro record is not a valid reply: " + e.getMessage(), e);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("Avro record is not a valid " + r.getSchema().getFullName() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

}
