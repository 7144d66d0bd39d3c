package io.kafkautility.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared fixtures and assertions of the CloudEvents SDK interoperability tests (unit and through a broker). */
final class CloudEventsInterop {

    static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CloudEventsInterop() {
    }

    /** An envelope using every attribute. */
    static Envelope ours() {
        return Envelope.builder().source("/rag/document-service").messageType(MessageTypes.DOCUMENT_PROCESSED)
                .time(Instant.parse("2026-11-22T10:15:30.123Z")).subject("doc-42").correlationId("corr-1")
                .causationId("cause-1").traceparent(TRACE).data(TestData.documentProcessed()).build();
    }

    /** An event built with the SDK, as another team's service would. */
    static CloudEvent theirs(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/rag/other-team"))
                .withType("rag.query.submitted").withDataSchema(URI.create(MessageTypes.QUERY_SUBMITTED.schemaId()))
                .withTime(OffsetDateTime.of(2026, 11, 22, 11, 0, 0, 0, ZoneOffset.ofHours(1)))
                .withSubject("sess-9").withExtension("correlationid", "corr-sdk")
                .withDataContentType("application/json")
                .withData(TestData.querySubmitted().put("language", "pt-BR").toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    static Map<String, Object> serializerConfig(String encoding) {
        return Map.of(CloudEventSerializer.ENCODING_CONFIG, encoding,
                CloudEventSerializer.EVENT_FORMAT_CONFIG, "application/cloudevents+json");
    }

    /** The SDK's view of our record equals our envelope. */
    static void assertSdkSees(CloudEvent event, Envelope e) {
        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo(e.id());
        assertThat(event.getSource()).isEqualTo(URI.create(e.source()));
        assertThat(event.getType()).isEqualTo(e.type());
        assertThat(event.getTime().toInstant()).isEqualTo(e.time().orElseThrow());
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getDataSchema()).isEqualTo(URI.create(e.dataSchema().orElseThrow()));
        assertThat(event.getSubject()).isEqualTo(e.subject().orElseThrow());
        assertThat(event.getExtension("correlationid")).isEqualTo(e.correlationId().orElseThrow());
        assertThat(event.getExtension("causationid")).isEqualTo(e.causationId().orElseThrow());
        assertThat(event.getExtension("traceparent")).isEqualTo(TRACE);
        try {
            assertThat(MAPPER.readTree(event.getData().toBytes())).isEqualTo(e.data());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Our view of the SDK's event equals the event. */
    static void assertWeSee(Envelope e, CloudEvent event) {
        assertThat(e.id()).isEqualTo(event.getId());
        assertThat(e.source()).isEqualTo(event.getSource().toString());
        assertThat(e.type()).isEqualTo(event.getType());
        assertThat(e.time()).hasValue(event.getTime().toInstant());
        assertThat(e.dataSchema()).hasValue(event.getDataSchema().toString());
        assertThat(e.messageType()).hasValue(MessageTypes.QUERY_SUBMITTED);
        assertThat(e.subject()).hasValue("sess-9");
        assertThat(e.correlationId()).hasValue("corr-sdk");
        try {
            assertThat(e.data()).isEqualTo(MAPPER.readTree(event.getData().toBytes()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
