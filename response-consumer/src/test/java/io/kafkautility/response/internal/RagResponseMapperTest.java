package io.kafkautility.response.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.UnknownSchemaException;
import io.kafkautility.response.ForeignReplySchemas;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The by-field mapping of reply writer schemas, through the real decoder (framing, bounds, cache). */
class RagResponseMapperTest {

    static final Instant AT = Instant.parse("2026-12-04T10:15:30.123Z");

    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final MappingAvroDecoder<RagResponse> decoder = MappingAvroDecoder.create(id -> {
        lookups.incrementAndGet();
        Schema s = schemas.get(id);
        if (s == null) {
            throw new UnknownSchemaException(id, "no schema " + id);
        }
        return s;
    }, new RagResponseMapper());

    @Test
    void theLibrarysOwnSchemaMapsAsBefore() {
        Schema own = RagResponseAvro.schema();
        RagResponse expected = new RagResponse("s-1", "q-1", "forty-two",
                List.of(new RagResponse.Source("doc-1", "Manual", 0.87), new RagResponse.Source("doc-2", null, null)),
                RagResponse.Status.SUCCESS, null, AT);
        assertThat(decoder.decode(frame(1, own, RagResponseAvro.toAvro(expected, own)))).isEqualTo(expected);
    }

    @Test
    void theSameFieldsUnderAnotherRecordNameAndNamespaceMap() {
        Schema renamed = new Schema.Parser().parse(RagResponseAvro.schema().toString()
                .replace("\"name\":\"RagResponse\"", "\"name\":\"Reply\"")
                .replace("io.kafkautility.rag", "com.example.other"));
        assertThat(renamed.getFullName()).isEqualTo("com.example.other.Reply");
        RagResponse expected = new RagResponse("s-2", "q-2", "a", List.of(), RagResponse.Status.ERROR, "boom", AT);
        assertThat(decoder.decode(frame(2, renamed, RagResponseAvro.toAvro(expected, renamed)))).isEqualTo(expected);
    }

    @Test
    void flinksNotNullSchemaMaps() {
        Schema flink = new Schema.Parser().parse(ForeignReplySchemas.FLINK_NOT_NULL);
        GenericRecord r = ForeignReplySchemas.flinkRecord(flink, "SUCCESS");
        RagResponse decoded = decoder.decode(frame(3, flink, r));
        assertThat(decoded).isEqualTo(new RagResponse("s-3", "q-3", "from flink",
                List.of(new RagResponse.Source("doc-f", "Flink doc", 0.5)), RagResponse.Status.SUCCESS, null, AT));
    }

    @Test
    void flinksNullableSchemaMapsAndNullItemsAndOptionalNullsTakeTheirDefaults() {
        Schema flink = new Schema.Parser().parse(ForeignReplySchemas.FLINK_NULLABLE);
        GenericRecord r = ForeignReplySchemas.flinkRecord(flink, "error");
        r.put("answer", null);
        r.put("error", "no documents");
        Schema sources = flink.getField("sources").schema().getTypes().get(1);
        List<Object> items = new java.util.ArrayList<>(((List<?>) r.get("sources")));
        items.add(0, null);
        r.put("sources", new GenericData.Array<>(sources, items));
        RagResponse decoded = decoder.decode(frame(4, flink, r));
        assertThat(decoded).isEqualTo(new RagResponse("s-3", "q-3", "",
                List.of(new RagResponse.Source("doc-f", "Flink doc", 0.5)), RagResponse.Status.ERROR,
                "no documents", AT));

        r.put("status", null);
        assertThat(decoder.decode(frame(4, flink, r)).status()).as("no status, an error text: ERROR")
                .isEqualTo(RagResponse.Status.ERROR);
        r.put("error", null);
        r.put("sources", null);
        RagResponse bare = decoder.decode(frame(4, flink, r));
        assertThat(bare.status()).isEqualTo(RagResponse.Status.SUCCESS);
        assertThat(bare.sources()).isEmpty();
    }

    @Test
    void aPythonServicesOwnSnakeCaseSchemaWithItsOwnEnumAndMicrosMaps() {
        Schema py = new Schema.Parser().parse(ForeignReplySchemas.PYTHON_OWN);
        GenericRecord r = new GenericData.Record(py);
        r.put("session_id", "s-py");
        r.put("query_id", "q-py");
        r.put("model", "llm-x");
        r.put("response", "from python");
        Schema doc = py.getField("documents").schema().getElementType();
        GenericRecord d = new GenericData.Record(doc);
        d.put("doc_id", "doc-py");
        d.put("relevance", 0.25f);
        r.put("documents", new GenericData.Array<>(py.getField("documents").schema(), List.of(d)));
        r.put("state", new GenericData.EnumSymbol(py.getField("state").schema(), "success"));
        r.put("created_at", AT.toEpochMilli() * 1000 + 456);
        assertThat(decoder.decode(frame(5, py, r))).isEqualTo(new RagResponse("s-py", "q-py", "from python",
                List.of(new RagResponse.Source("doc-py", null, 0.25)), RagResponse.Status.SUCCESS, null, AT));

        r.put("state", new GenericData.EnumSymbol(py.getField("state").schema(), "partial"));
        AvroDecodingException unknown = failure(frame(5, py, r));
        assertThat(unknown.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(unknown.getMessage()).contains("status (state)").contains("'partial'").contains("schema id 5");
    }

    @Test
    void otherTimeTypesAndPlainStringSourcesMap() {
        Schema s = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[
                  {"name":"sessionId","type":"string"},{"name":"questionId","type":"string"},
                  {"name":"sources","type":{"type":"array","items":["null","string"]}},
                  {"name":"ts","type":{"type":"long","logicalType":"local-timestamp-micros"}}]}""");
        GenericRecord r = new GenericData.Record(s);
        r.put("sessionId", "s");
        r.put("questionId", "q");
        r.put("sources", new GenericData.Array<>(s.getField("sources").schema(), java.util.Arrays.asList("d1", null,
                "d2")));
        r.put("ts", AT.toEpochMilli() * 1000);
        RagResponse decoded = decoder.decode(frame(6, s, r));
        assertThat(decoded.timestamp()).isEqualTo(AT);
        assertThat(decoded.sources()).extracting(RagResponse.Source::documentId).containsExactly("d1", "d2");

        Schema text = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"sessionId","type":"string"},
                  {"name":"questionId","type":"string"},{"name":"timestamp","type":"string"}]}""");
        GenericRecord t = new GenericData.Record(text);
        t.put("sessionId", "s");
        t.put("questionId", "q");
        t.put("timestamp", "2026-12-04T11:15:30.123+01:00");
        assertThat(decoder.decode(frame(7, text, t)).timestamp()).isEqualTo(AT);
        t.put("timestamp", "yesterday");
        assertThat(failure(frame(7, text, t)).getMessage()).contains("timestamp").contains("RFC 3339");
    }

    @Test
    void aWriterSchemaMissingARequiredFieldIsRejectedOnceNamingTheFieldAndTheSchemaId() {
        Schema missing = new Schema.Parser().parse("""
                {"type":"record","name":"NoQuestion","namespace":"x","fields":[
                  {"name":"sessionId","type":"string"},{"name":"answer","type":"string"},
                  {"name":"timestamp","type":"long"}]}""");
        GenericRecord r = new GenericData.Record(missing);
        r.put("sessionId", "s");
        r.put("answer", "a");
        r.put("timestamp", 1L);
        byte[] bytes = frame(8, missing, r);
        AvroDecodingException first = failure(bytes);
        assertThat(first.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
        assertThat(first.schemaId()).isEqualTo(8);
        assertThat(first.getMessage()).contains("schema id 8").contains("x.NoQuestion").contains("questionId");
        int lookupsAfterFirst = lookups.get();
        AvroDecodingException again = failure(bytes);
        assertThat(again.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
        assertThat(again.getMessage()).isEqualTo(first.getMessage());
        assertThat(lookups.get()).as("decided once per schema id").isEqualTo(lookupsAfterFirst);
    }

    @Test
    void aFieldOfATypeThatCannotBeConvertedIsRejectedNamingIt() {
        Schema wrong = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"session_id","type":"long"},
                  {"name":"questionId","type":"string"},{"name":"timestamp","type":"long"}]}""");
        GenericRecord r = new GenericData.Record(wrong);
        r.put("session_id", 7L);
        r.put("questionId", "q");
        r.put("timestamp", 1L);
        AvroDecodingException e = failure(frame(9, wrong, r));
        assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
        assertThat(e.getMessage()).contains("session_id").contains("sessionId").contains("long");

        Schema notRecord = Schema.create(Schema.Type.STRING);
        byte[] text = frame(10, notRecord, "hello");
        assertThat(failure(text).reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void aNullInARequiredFieldRejectsThatRecordOnlyNamingTheField() {
        Schema flink = new Schema.Parser().parse(ForeignReplySchemas.FLINK_NULLABLE);
        GenericRecord r = ForeignReplySchemas.flinkRecord(flink, "SUCCESS");
        r.put("questionId", null);
        AvroDecodingException e = failure(frame(11, flink, r));
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("questionId").contains("null");
        r.put("questionId", "q-3");
        r.put("timestamp", null);
        assertThat(failure(frame(11, flink, r)).getMessage()).contains("timestamp");
        r.put("timestamp", AT.toEpochMilli());
        assertThat(decoder.decode(frame(11, flink, r)).questionId()).as("the next record of the schema maps")
                .isEqualTo("q-3");
    }

    @Test
    void anUnknownStatusValueInAStringIsRejectedNamingASafeCopyOfIt() {
        Schema flink = new Schema.Parser().parse(ForeignReplySchemas.FLINK_NOT_NULL);
        GenericRecord r = ForeignReplySchemas.flinkRecord(flink, "DONE\n\u0007" + "x".repeat(100));
        AvroDecodingException e = failure(frame(12, flink, r));
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("'DONE??xxx").contains("...").doesNotContain("\n")
                .doesNotContain("x".repeat(50));
        r.put("status", " success ");
        assertThat(decoder.decode(frame(12, flink, r)).status()).isEqualTo(RagResponse.Status.SUCCESS);
    }

    @Test
    void aNullableRecordAtTheTopIsUnwrapped() {
        Schema flink = new Schema.Parser().parse(ForeignReplySchemas.FLINK_NOT_NULL);
        Schema nullable = Schema.createUnion(Schema.create(Schema.Type.NULL), flink);
        assertThat(decoder.decode(frame(13, nullable, ForeignReplySchemas.flinkRecord(flink, "SUCCESS"))).sessionId()).isEqualTo("s-3");
        assertThat(failure(frame(13, nullable, null)).reason()).isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void theMappingIsDescribedOnceInOneLine() {
        Schema py = new Schema.Parser().parse(ForeignReplySchemas.PYTHON_OWN);
        String description = new RagResponseMapper().mappingFor(py, 5).description();
        assertThat(description).doesNotContain("\n")
                .contains("sessionId<-session_id (string)")
                .contains("questionId<-query_id (string)")
                .contains("answer<-response (nullable string)")
                .contains("status<-state (enum AnswerState)")
                .contains("timestamp<-created_at (timestamp-micros)")
                .contains("sources.documentId<-doc_id (string)")
                .contains("error<-absent")
                .contains("ignored [model]");
    }

    private byte[] frame(int id, Schema schema, Object datum) {
        schemas.put(id, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AvroWireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(datum, enc);
            enc.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private AvroDecodingException failure(byte[] bytes) {
        AvroDecodingException e = catchThrowableOfType(AvroDecodingException.class, () -> decoder.decode(bytes));
        assertThat(e).as("decoding fails").isNotNull();
        return e;
    }
}
