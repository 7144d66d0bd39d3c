package io.kafkautility.response;

import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Writer schemas of the real producers of {@code respostas} other than this library, for tests (test jar). */
public final class ForeignReplySchemas {

    public static final Instant AT = Instant.parse("2026-12-04T10:15:30.123Z");

    /** What Flink SQL's avro-confluent format derives for the README's table with NOT NULL columns. */
    public static final String FLINK_NOT_NULL = """
            {"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[
              {"name":"sessionId","type":"string"},
              {"name":"questionId","type":"string"},
              {"name":"answer","type":"string"},
              {"name":"sources","type":{"type":"array","items":{"type":"record","name":"record_sources","fields":[
                {"name":"documentId","type":"string"},
                {"name":"title","type":["null","string"],"default":null},
                {"name":"score","type":["null","double"],"default":null}]}}},
              {"name":"status","type":"string"},
              {"name":"error","type":["null","string"],"default":null},
              {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}}]}""";

    /** The same table with Flink's default nullable columns. */
    public static final String FLINK_NULLABLE = """
            {"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[
              {"name":"sessionId","type":["null","string"],"default":null},
              {"name":"questionId","type":["null","string"],"default":null},
              {"name":"answer","type":["null","string"],"default":null},
              {"name":"sources","type":["null",{"type":"array","items":["null",{"type":"record",
                "name":"record_sources","fields":[
                {"name":"documentId","type":["null","string"],"default":null},
                {"name":"title","type":["null","string"],"default":null},
                {"name":"score","type":["null","double"],"default":null}]}]}],"default":null},
              {"name":"status","type":["null","string"],"default":null},
              {"name":"error","type":["null","string"],"default":null},
              {"name":"timestamp","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}""";

    /** A Python service's own: snake_case, its own enum with lowercase symbols, micros, float scores, extras. */
    public static final String PYTHON_OWN = """
            {"type":"record","name":"Answer","namespace":"rag.python","fields":[
              {"name":"session_id","type":"string"},
              {"name":"query_id","type":"string"},
              {"name":"model","type":"string"},
              {"name":"response","type":["string","null"]},
              {"name":"documents","type":{"type":"array","items":{"type":"record","name":"Doc","fields":[
                {"name":"doc_id","type":"string"},{"name":"relevance","type":"float"}]}}},
              {"name":"state","type":{"type":"enum","name":"AnswerState","symbols":["success","error","partial"]}},
              {"name":"created_at","type":{"type":"long","logicalType":"timestamp-micros"}}]}""";

    /** A reply for session s-3 / question q-3 in a Flink schema (either of the two above). */
    public static GenericRecord flinkRecord(Schema flink, String status) {
        GenericRecord r = new GenericData.Record(flink);
        r.put("sessionId", "s-3");
        r.put("questionId", "q-3");
        r.put("answer", "from flink");
        Schema array = flink.getField("sources").schema();
        array = array.getType() == Schema.Type.UNION ? array.getTypes().get(1) : array;
        Schema item = array.getElementType();
        item = item.getType() == Schema.Type.UNION ? item.getTypes().get(1) : item;
        GenericRecord s = new GenericData.Record(item);
        s.put("documentId", "doc-f");
        s.put("title", "Flink doc");
        s.put("score", 0.5);
        r.put("sources", new GenericData.Array<>(array, List.of(s)));
        r.put("status", status);
        r.put("error", null);
        r.put("timestamp", AT.toEpochMilli());
        return r;
    }

    /** {@code datum} of {@code schema} in the Confluent wire format under schema id {@code id}. */
    public static byte[] frame(int id, Schema schema, Object datum) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(io.kafkautility.avro.AvroWireFormat.MAGIC_BYTE);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(id).array());
        try {
            org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<>(schema).write(datum, enc);
            enc.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private ForeignReplySchemas() {
    }
}
