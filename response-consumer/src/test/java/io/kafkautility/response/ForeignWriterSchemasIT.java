package io.kafkautility.response;

import static io.kafkautility.metrics.MetricNames.RESPONSE_INVALID;
import static io.kafkautility.metrics.MetricNames.TAG_REASON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Replies written with other producers' writer schemas (registered in the registry like theirs would be) reach their
 * sessions on a real broker: ten answers each with the library's schema, the same fields under another record name,
 * Flink's derived schema for NOT NULL columns and for its default nullable columns, and a Python service's own
 * snake_case schema. Before replies were read by field, only the first ten arrived. A schema missing a required field
 * is counted and skipped while the answers around it arrive.
 */
@KafkaTest
class ForeignWriterSchemasIT {

    static final int PER_SCHEMA = 10;

    @Test
    void answersInEveryWriterSchemaCarryingTheFieldsReachTheirSessions(KafkaCluster cluster) throws Exception {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            Map<String, Schema> writers = new LinkedHashMap<>();
            writers.put("library", f.schema);
            writers.put("renamed", new Schema.Parser().parse(f.schema.toString()
                    .replace("\"name\":\"RagResponse\"", "\"name\":\"Answer\"")
                    .replace("io.kafkautility.rag", "com.example.rag")));
            writers.put("flink-not-null", new Schema.Parser().parse(ForeignReplySchemas.FLINK_NOT_NULL));
            writers.put("flink-nullable", new Schema.Parser().parse(ForeignReplySchemas.FLINK_NULLABLE));
            writers.put("python-own", new Schema.Parser().parse(ForeignReplySchemas.PYTHON_OWN));

            List<TestConnection> browsers = new ArrayList<>();
            Map<String, String> expectedSource = new LinkedHashMap<>();
            for (Map.Entry<String, Schema> w : writers.entrySet()) {
                // each producer registers its own schema under the topic's subject, as Confluent serializers do
                int id = f.registry.register(AvroWireFormat.valueSubject(f.topic), w.getValue().toString());
                for (int i = 0; i < PER_SCHEMA; i++) {
                    String session = w.getKey() + "-" + i;
                    TestConnection browser = f.open(session);
                    browsers.add(browser);
                    assertThat(f.manager.beginQuestion(session, "q-" + session))
                            .isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
                    f.send(session, frame(id, w.getValue(), record(w.getKey(), w.getValue(), session)));
                    expectedSource.put(session, "doc-" + session);
                }
            }
            // a schema without a question id: rejected once, counted per record, the answers around it arrive
            Schema noQuestion = new Schema.Parser().parse("""
                    {"type":"record","name":"NoQuestion","namespace":"x","fields":[
                      {"name":"sessionId","type":"string"},{"name":"timestamp","type":"long"}]}""");
            int badId = f.registry.register(AvroWireFormat.valueSubject(f.topic), noQuestion.toString());
            GenericRecord bad = new GenericData.Record(noQuestion);
            bad.put("sessionId", "library-0");
            bad.put("timestamp", System.currentTimeMillis());
            f.send("library-0", frame(badId, noQuestion, bad));
            f.send("library-1", frame(badId, noQuestion, bad));
            TestConnection after = f.open("after-bad");
            f.manager.beginQuestion("after-bad", "q-after-bad");
            f.send("after-bad", f.encode(ReplyFixture.response("after-bad", "q-after-bad")));

            await().atMost(Duration.ofSeconds(30)).until(() -> browsers.stream().allMatch(b -> b.answers().size() == 1)
                    && after.answers().size() == 1);
            int delivered = 0;
            for (TestConnection b : browsers) {
                JsonNode answer = b.answers().get(0);
                assertThat(answer.path("questionId").asText()).isEqualTo("q-" + b.id());
                assertThat(answer.path("answer").asText()).isEqualTo("answer for " + b.id());
                assertThat(answer.path("status").asText()).isEqualTo("SUCCESS");
                assertThat(answer.path("sources").get(0).path("documentId").asText())
                        .isEqualTo(expectedSource.get(b.id()));
                delivered++;
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.count(RESPONSE_INVALID, TAG_REASON, "incompatible_schema") == 2.0);
            for (String w : writers.keySet()) {
                System.out.printf("writer schema %-15s %d of %d answers delivered%n", w,
                        browsers.stream().filter(b -> b.id().startsWith(w + "-") && b.answers().size() == 1).count(),
                        PER_SCHEMA);
            }
            assertThat(delivered).isEqualTo(writers.size() * PER_SCHEMA);
            assertThat(f.consumer.isRunning()).isTrue();
        }
    }

    /** A reply for {@code session} in the shape of writer {@code kind}. */
    private static GenericRecord record(String kind, Schema schema, String session) {
        GenericRecord r = new GenericData.Record(schema);
        if (kind.equals("python-own")) {
            r.put("session_id", session);
            r.put("query_id", "q-" + session);
            r.put("model", "llm-x");
            r.put("response", "answer for " + session);
            Schema docs = schema.getField("documents").schema();
            GenericRecord d = new GenericData.Record(docs.getElementType());
            d.put("doc_id", "doc-" + session);
            d.put("relevance", 0.5f);
            r.put("documents", new GenericData.Array<>(docs, List.of(d)));
            r.put("state", new GenericData.EnumSymbol(schema.getField("state").schema(), "success"));
            r.put("created_at", System.currentTimeMillis() * 1000);
            return r;
        }
        if (kind.startsWith("flink")) {
            r = ForeignReplySchemas.flinkRecord(schema, "SUCCESS");
        } else {
            r = RagResponseAvro.toAvro(ReplyFixture.response(session, "q-" + session), schema);
        }
        r.put("sessionId", session);
        r.put("questionId", "q-" + session);
        r.put("answer", "answer for " + session);
        GenericRecord first = (GenericRecord) ((List<?>) r.get("sources")).get(0);
        first.put("documentId", "doc-" + session);
        r.put("timestamp", System.currentTimeMillis());
        return r;
    }

    static byte[] frame(int id, Schema schema, Object datum) {
        return ForeignReplySchemas.frame(id, schema, datum);
    }
}
