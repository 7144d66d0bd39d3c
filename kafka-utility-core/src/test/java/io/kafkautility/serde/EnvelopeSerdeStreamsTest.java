package io.kafkautility.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.MessageHeaders;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The serdes in a Kafka Streams topology: a service reads document events as its own payload record, transforms them
 * and writes new events; the output is a valid envelope with the library's headers, and a malformed input record is
 * skipped by Streams' own deserialization error handler (it sees a SerializationException).
 */
class EnvelopeSerdeStreamsTest {

    /** The service's own view of a rag.document.deleted event. */
    public record Deleted(String documentId, String deletedAt, String reason) {
    }

    @Test
    void aTopologyReadsAndWritesTheContractWithTheTypedSerde() {
        TypedEnvelopeSerde<Deleted> deleted = TypedEnvelopeSerde.of(MessageTypes.DOCUMENT_DELETED, Deleted.class,
                "streams-service");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("documents", Consumed.with(Serdes.String(), deleted))
                .mapValues(d -> new Deleted(d.documentId(), d.deletedAt(), "archived by streams-service"))
                .to("archive", Produced.with(Serdes.String(), deleted));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-topology");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("documents", Serdes.String().serializer(),
                    new ByteArraySerializer());
            TestInputTopic<String, Envelope> in = driver.createInputTopic("documents", Serdes.String().serializer(),
                    new EnvelopeSerde().serializer());
            TestOutputTopic<String, Envelope> out = driver.createOutputTopic("archive",
                    Serdes.String().deserializer(), new EnvelopeSerde().deserializer());

            raw.pipeInput("doc-0", "{not json".getBytes(StandardCharsets.UTF_8)); // skipped by Streams' handler
            Envelope event = EnvelopeSerdeIT.deleted("doc-1");
            in.pipeInput("doc-1", event);

            TestRecord<String, Envelope> archived = out.readRecord();
            assertThat(out.isEmpty()).as("the malformed record produced nothing").isTrue();
            assertThat(archived.key()).isEqualTo("doc-1");
            Envelope written = archived.value();
            assertThat(written.type()).isEqualTo(MessageTypes.DOCUMENT_DELETED.name());
            assertThat(written.source()).isEqualTo("streams-service");
            assertThat(written.id()).isNotEqualTo(event.id());
            assertThat(written.data().path("reason").asText()).isEqualTo("archived by streams-service");
            assertThat(written.data().path("documentId").asText()).isEqualTo("doc-1");
            assertThat(new String(archived.headers().lastHeader(MessageHeaders.MESSAGE_ID).value(), StandardCharsets.UTF_8))
                    .as("the library's headers, for the new envelope").isEqualTo(written.id());
            assertThat(new String(archived.headers().lastHeader(MessageHeaders.MESSAGE_TYPE).value(),
                    StandardCharsets.UTF_8)).isEqualTo(MessageTypes.DOCUMENT_DELETED.name());
        }
    }
}
