package io.kafkautility.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from…" code is this module's {@link UseItFrom}, word for word, and it works: the plain producer's
 * event reaches the library's own consumer and a plain consumer on a real broker, the Streams topology archives it.
 */
@KafkaTest
class ReadmeSnippetsIT {

    private static final Pattern TAG = Pattern.compile("// tag::([a-z-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]",
            Pattern.DOTALL);

    @Test
    void theReadmeShowsTheCompiledSnippets() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/kafkautility/serde/UseItFrom.java"));
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = TAG.matcher(source);
        List<String> tags = new ArrayList<>();
        while (m.find()) {
            tags.add(m.group(1));
            assertThat(readme).as("README shows tag %s of UseItFrom.java as it compiles", m.group(1))
                    .contains(dedent(m.group(2)));
        }
        assertThat(tags).containsExactly("payload", "plain-producer", "plain-consumer", "streams");
    }

    @Test
    void thePlainProducerAndConsumerSnippetsWorkWithTheLibrary(KafkaCluster cluster) {
        String topic = TopicNames.unique("readme");
        cluster.createTopic(topic, 1, (short) 1);
        UseItFrom.plainProducer(cluster.clientProperties(), topic);

        List<String> handled = new CopyOnWriteArrayList<>();
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers())
                .build();
        try (MessageConsumer library = MessageConsumer.create(ConsumerOptions.builder(kafka,
                        TopicNames.unique("readme-lib"), topic)
                .kafkaProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .handler(MessageTypes.DOCUMENT_DELETED, (msg, ctx) -> handled.add(msg.source() + ":"
                        + msg.data().path("reason").asText())).build()).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 1);
        }
        assertThat(handled).containsExactly("archiver:retention expired");

        Map<String, Object> props = cluster.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("readme-plain"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Envelope> received = UseItFrom.plainConsumer(props, topic, 1, Duration.ofSeconds(30));
        assertThat(received).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(MessageTypes.DOCUMENT_DELETED.name());
            assertThat(e.data().path("documentId").asText()).isEqualTo("doc-1");
        });
    }

    @Test
    void theStreamsSnippetArchives() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "readme-archiver");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        try (TopologyTestDriver driver = new TopologyTestDriver(UseItFrom.streams(), props)) {
            TestInputTopic<String, Envelope> in = driver.createInputTopic("rag.documents",
                    Serdes.String().serializer(), new EnvelopeSerde().serializer());
            TestOutputTopic<String, Envelope> out = driver.createOutputTopic("rag.documents.archive",
                    Serdes.String().deserializer(), new EnvelopeSerde().deserializer());
            in.pipeInput("doc-7", EnvelopeSerdeIT.deleted("doc-7"));
            Envelope archived = out.readValue();
            assertThat(archived.source()).isEqualTo("archiver");
            assertThat(archived.data().path("reason").asText()).isEqualTo("archived");
            assertThat(archived.data().path("documentId").asText()).isEqualTo("doc-7");
        }
    }

    /** The snippet without the indentation it has in the source file. */
    private static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    }
}
