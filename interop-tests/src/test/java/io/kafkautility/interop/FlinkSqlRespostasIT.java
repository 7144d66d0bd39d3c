package io.kafkautility.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.response.ReplyFixture;
import io.kafkautility.response.TestConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real producer of {@code respostas}: a Flink SQL job (local MiniCluster in this JVM) writes answers through a
 * Kafka sink table with {@code 'value.format' = 'avro-confluent'}, so Flink derives the writer schema from the table
 * (record {@code org.apache.flink.avro.generated.record}, nullable unions, {@code status} a string, the nested row
 * {@code record_sources}, {@code TIMESTAMP(3)} as {@code timestamp-millis}) and registers it in a real
 * Confluent-compatible registry; the library's response consumer routes every answer to the WebSocket session that
 * asked, with its sources and status. Once with Flink's default nullable columns, once with NOT NULL columns. The
 * table is the one the README shows.
 */
@KafkaTest
class FlinkSqlRespostasIT {

    static final int ANSWERS = 20;
    static Registry registry;

    @BeforeAll
    static void startRegistry() {
        registry = Registry.start("flink");
        System.out.println("REGISTRY " + registry);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    /** The README's table (with NOT NULL where {@code notNull}), for {@code topic}. */
    static String createTable(String topic, String bootstrap, String registryUrl, boolean notNull) {
        String nn = notNull ? " NOT NULL" : "";
        return """
                CREATE TABLE respostas (
                  sessionId   STRING%1$s,
                  questionId  STRING%1$s,
                  answer      STRING%1$s,
                  sources     ARRAY<ROW<documentId STRING%1$s, title STRING, score DOUBLE>%1$s>%1$s,
                  status      STRING%1$s,
                  error       STRING,
                  `timestamp` TIMESTAMP(3)%1$s
                ) WITH (
                  'connector' = 'kafka',
                  'topic' = '%2$s',
                  'properties.bootstrap.servers' = '%3$s',
                  'key.format' = 'raw',
                  'key.fields' = 'sessionId',
                  'value.format' = 'avro-confluent',
                  'value.avro-confluent.url' = '%4$s',
                  'value.fields-include' = 'ALL'
                )""".formatted(nn, topic, bootstrap, registryUrl);
    }

    @Test
    void answersOfAFlinkSqlJobWithNullableColumnsReachTheirSessions(KafkaCluster cluster) throws Exception {
        runJob(cluster, false);
    }

    @Test
    void answersOfAFlinkSqlJobWithNotNullColumnsReachTheirSessions(KafkaCluster cluster) throws Exception {
        runJob(cluster, true);
    }

    private void runJob(KafkaCluster cluster, boolean notNull) throws Exception {
        String kind = notNull ? "not-null" : "nullable";
        try (ReplyFixture f = new ReplyFixture(cluster, registry.url(), b -> b, b -> b)) {
            List<TestConnection> browsers = new ArrayList<>();
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < ANSWERS; i++) {
                String session = "flink-" + kind + "-" + i;
                TestConnection browser = f.open(session);
                browsers.add(browser);
                assertThat(f.manager.beginQuestion(session, "q-" + i))
                        .isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
                boolean failed = i % 5 == 4; // every fifth answer an ERROR with no useful sources
                String row = failed
                        ? String.format("('%s', 'q-%d', '', ARRAY[ROW('none', CAST(NULL AS STRING), "
                                + "CAST(NULL AS DOUBLE))], 'ERROR', 'no documents found', LOCALTIMESTAMP)", session, i)
                        : String.format("('%s', 'q-%d', 'answer %d from flink', ARRAY[ROW('doc-%d', 'Title %d', "
                                + "CAST(0.%d AS DOUBLE)), ROW('doc-extra', CAST(NULL AS STRING), CAST(NULL AS DOUBLE))], "
                                + "'SUCCESS', CAST(NULL AS STRING), LOCALTIMESTAMP)", session, i, i, i, i, i + 1);
                rows.append(i == 0 ? "" : ",\n").append(row);
            }
            TableEnvironment flink = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            flink.executeSql(createTable(f.topic, cluster.bootstrapServers(), registry.url(), notNull));
            long t0 = System.nanoTime();
            flink.executeSql("INSERT INTO respostas VALUES\n" + rows).await(120, TimeUnit.SECONDS);
            System.out.printf("FLINK %s job wrote %d answers in %d ms%n", kind, ANSWERS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            await().atMost(Duration.ofSeconds(60)).until(() -> browsers.stream().allMatch(b -> b.answers().size() == 1));
            for (int i = 0; i < ANSWERS; i++) {
                JsonNode answer = browsers.get(i).answers().get(0);
                assertThat(answer.path("questionId").asText()).isEqualTo("q-" + i);
                if (i % 5 == 4) {
                    assertThat(answer.path("status").asText()).isEqualTo("ERROR");
                    assertThat(answer.path("error").asText()).isEqualTo("no documents found");
                    assertThat(answer.path("answer").asText()).isEmpty();
                } else {
                    assertThat(answer.path("status").asText()).isEqualTo("SUCCESS");
                    assertThat(answer.path("answer").asText()).isEqualTo("answer " + i + " from flink");
                    assertThat(answer.path("sources")).hasSize(2);
                    assertThat(answer.path("sources").get(0).path("documentId").asText()).isEqualTo("doc-" + i);
                    assertThat(answer.path("sources").get(0).path("title").asText()).isEqualTo("Title " + i);
                    assertThat(answer.path("sources").get(0).path("score").asDouble())
                            .isEqualTo(Double.parseDouble("0." + (i + 1)));
                    assertThat(answer.path("sources").get(1).path("title").isNull()).isTrue();
                }
            }
            System.out.printf("FLINK %s: %d of %d answers reached their sessions%n", kind, ANSWERS, ANSWERS);
        }
    }
}
