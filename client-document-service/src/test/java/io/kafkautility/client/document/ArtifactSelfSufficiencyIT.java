package io.kafkautility.client.document;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The jar is self-sufficient: a user program, compiled and run with nothing on its class path but this module and
 * its declared runtime dependencies (what Maven gives a project depending only on {@code client-document-service}),
 * sends a processed event to a real broker, and a consumer sees a valid enveloped event.
 */
@KafkaTest
class ArtifactSelfSufficiencyIT {

    private static final String USER_PROGRAM = """
            import io.kafkautility.client.document.DocumentServiceKafkaClient;
            import io.kafkautility.client.document.DocumentStatus;
            import io.kafkautility.config.KafkaConnectionOptions;
            import java.util.Map;

            public class UserService {
                public static void main(String[] args) {
                    try (DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.builder()
                            .connection(KafkaConnectionOptions.builder().bootstrapServers(args[0]).build())
                            .topic(args[1]).build()) {
                        var sent = documents.sendDocumentProcessedEvent("doc-42", DocumentStatus.SUCCESS,
                                Map.of("pages", 12, "chunkCount", 30)).join();
                        System.out.println("SENT " + sent.topic() + "-" + sent.partition() + "@" + sent.offset());
                    }
                }
            }
            """;

    @Test
    void aProgramWithOnlyTheModulesRuntimeClassPathSendsAValidEvent(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("self-sufficient");
        cluster.createTopic(topic, 1, (short) 1);
        Path target = Path.of("target");
        String runtime = Files.readString(target.resolve("runtime-classpath.txt")).trim();
        String classPath = target.resolve("classes").toAbsolutePath() + File.pathSeparator + runtime;
        assertThat(classPath).doesNotContain("kafka-utility-testkit", "kafka_2.13", "junit", "slf4j-simple");

        Path work = Files.createTempDirectory("user-service");
        Path source = work.resolve("UserService.java");
        Files.writeString(source, USER_PROGRAM);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-classpath", classPath, "-d", work.toString(), source.toString());
        assertThat(compiled).as("the user program compiles against the runtime class path").isZero();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", work + File.pathSeparator + classPath, "UserService",
                cluster.bootstrapServers(), topic).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SENT " + topic + "-0@0");

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        var decoded = io.kafkautility.validation.MessageValidator.create().decode(records.get(0).value(),
                io.kafkautility.message.EnvelopeCodec.headerMap(records.get(0).headers()));
        assertThat(decoded.isValid()).as("%s", decoded).isTrue();
        assertThat(decoded.envelope().type()).isEqualTo("rag.document.processed");
        assertThat(decoded.envelope().data().get("documentId").asText()).isEqualTo("doc-42");
    }
}
