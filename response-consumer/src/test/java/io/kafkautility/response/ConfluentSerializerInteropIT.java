package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with Confluent's own Avro serializer (confluent-kafka-python's {@code AvroProducer} /
 * {@code AvroConsumer}, Debian's {@code python3-confluent-kafka python3-avro}): a reply written by Confluent's
 * serializer reaches the browser session, and a reply written by {@code AvroWireEncoder} is read by Confluent's
 * deserializer. Reported as skipped, with the reason, when those packages are not installed.
 */
@KafkaTest
class ConfluentSerializerInteropIT {
    @Test
    void confluentsSerializerAndOursReadEachOther(KafkaCluster cluster) throws Exception {
        ConfluentPython.assumeAvailable("ConfluentSerializerInteropIT");
        Path dir = Files.createDirectories(Path.of("target", "interop"));
        Path schemaFile = dir.resolve("rag-response.avsc");
        Files.writeString(schemaFile, RagResponseAvro.schema().toString());

        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            TestConnection browser = f.open("py-1");
            f.manager.beginQuestion("py-1", "q-py");
            // no key: AvroConsumer would try to decode a String key as Avro too
            f.send(null, f.encode(ReplyFixture.response("java-1", "q-java")));

            List<String> out = ConfluentPython.run(getClass(), "/interop/confluent_interop.py", dir,
                    cluster.bootstrapServers(), f.registryUrl, f.topic, schemaFile.toString());

            // Confluent's serializer -> our decoder -> the browser
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.answers().size() == 1);
            JsonNode answer = browser.answers().get(0);
            assertThat(answer.path("answer").asText()).isEqualTo("answer from python");
            assertThat(answer.path("sources").get(0).path("documentId").asText()).isEqualTo("doc-py");

            // our encoder -> Confluent's deserializer
            String decoded = out.stream().filter(l -> l.startsWith("DECODED ")).findFirst()
                    .orElseThrow(() -> new AssertionError("python did not decode our reply: " + out))
                    .substring("DECODED ".length());
            JsonNode fromPython = TestConnection.parse(decoded);
            assertThat(fromPython.path("questionId").asText()).isEqualTo("q-java");
            assertThat(fromPython.path("answer").asText()).isEqualTo("answer to q-java");
            assertThat(fromPython.path("status").asText()).isEqualTo("SUCCESS");
            assertThat(fromPython.path("sources").size()).isEqualTo(2);
            System.out.println("INTEROP confluent-kafka-python AvroProducer/AvroConsumer <-> kafka-utility: ok");
        }
    }
}
