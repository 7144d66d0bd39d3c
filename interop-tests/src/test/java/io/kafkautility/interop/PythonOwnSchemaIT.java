package io.kafkautility.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.response.ConfluentPython;
import io.kafkautility.response.ForeignReplySchemas;
import io.kafkautility.response.ReplyFixture;
import io.kafkautility.response.TestConnection;
import io.kafkautility.response.WebSocketSessionManager;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Python service's replies, written by confluent-kafka-python's own (legacy) {@code AvroProducer} with a writer
 * schema of its own ({@link ForeignReplySchemas#PYTHON_OWN}: snake_case, its own lowercase enum, timestamp-micros,
 * float scores, an extra field), registered by the producer in a real Confluent-compatible registry, reach their
 * sessions through the library's response consumer. Reported as skipped, with the reason, where Debian's
 * {@code python3-confluent-kafka python3-avro} are not installed ({@code .ci/run} installs them).
 */
@KafkaTest
class PythonOwnSchemaIT {
    static final int ANSWERS = 10;

    @Test
    void repliesOfAPythonServiceWithItsOwnWriterSchemaReachTheirSessions(KafkaCluster cluster) throws Exception {
        ConfluentPython.assumeAvailable("PythonOwnSchemaIT");
        Path dir = Files.createDirectories(Path.of("target", "interop"));
        Path schemaFile = dir.resolve("python-own.avsc");
        Files.writeString(schemaFile, ForeignReplySchemas.PYTHON_OWN);

        try (Registry registry = Registry.start("python");
             ReplyFixture f = new ReplyFixture(cluster, registry.url(), b -> b, b -> b)) {
            System.out.println("REGISTRY " + registry);
            List<TestConnection> browsers = new ArrayList<>();
            for (int i = 0; i < ANSWERS; i++) {
                TestConnection b = f.open("py-own-" + i);
                browsers.add(b);
                assertThat(f.manager.beginQuestion("py-own-" + i, "q-" + i))
                        .isEqualTo(WebSocketSessionManager.Admission.ACCEPTED);
            }
            ConfluentPython.run(getClass(), "/interop/python_own_schema.py", dir, cluster.bootstrapServers(),
                    registry.url(), f.topic, schemaFile.toString(), Integer.toString(ANSWERS));

            await().atMost(Duration.ofSeconds(30)).until(() -> browsers.stream().allMatch(b -> b.answers().size() == 1));
            for (int i = 0; i < ANSWERS; i++) {
                JsonNode answer = browsers.get(i).answers().get(0);
                assertThat(answer.path("questionId").asText()).isEqualTo("q-" + i);
                if (i % 5 == 4) {
                    assertThat(answer.path("status").asText()).isEqualTo("ERROR");
                    assertThat(answer.path("sources")).isEmpty();
                } else {
                    assertThat(answer.path("status").asText()).isEqualTo("SUCCESS");
                    assertThat(answer.path("answer").asText()).isEqualTo("answer " + i + " from python");
                    assertThat(answer.path("sources").get(0).path("documentId").asText()).isEqualTo("doc-py-" + i);
                    assertThat(answer.path("sources").get(0).path("score").asDouble()).isEqualTo(0.5);
                }
            }
            System.out.printf("PYTHON own schema: %d of %d answers reached their sessions%n", ANSWERS, ANSWERS);
        }
    }
}
