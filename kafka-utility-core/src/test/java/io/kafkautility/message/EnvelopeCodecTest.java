package io.kafkautility.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.RejectReason;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeCodecTest {

    private final EnvelopeCodec codec = EnvelopeCodec.create();

    private Envelope full() {
        return Envelope.builder().id("msg-1").source("/rag/document-service").messageType(MessageTypes.DOCUMENT_PROCESSED)
                .time(Instant.parse("2026-11-22T10:15:30.123Z")).subject("doc-42").correlationId("corr-1")
                .causationId("cause-1").traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .extension("tenant", "acme").data(TestData.documentProcessed()).build();
    }

    @Test
    void dataIsWrittenAsJacksonWritesIt() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode data = mapper.createObjectNode();
        data.put("text", "quotes \" backslash \\ control \u0001 tab \t newline \n unicode \u00e9\u4e2d\ud83d\ude00");
        data.put("int", Integer.MIN_VALUE).put("long", Long.MAX_VALUE).put("double", 0.1).put("float", 1.5f)
                .put("big", new java.math.BigInteger("123456789012345678901234567890"))
                .put("decimal", new java.math.BigDecimal("1.000000000000000000001")).put("true", true)
                .putNull("null").put("empty", "").put("binary", new byte[] {1, 2, 3});
        data.putArray("array").add(1).add("two").addNull().addObject().putArray("nested").add(false);
        data.putObject("object").putObject("deeper").put("k", "v");
        data.putPOJO("pojo", java.util.Map.of("a", 1));
        Envelope e = Envelope.builder().id("m").source("s").messageType(MessageTypes.DOCUMENT_PROCESSED)
                .time(Instant.parse("2026-11-22T10:15:30Z")).data(data).build();
        String encoded = TestData.text(codec.encode(e));
        String expected = new String(mapper.writeValueAsBytes(e.data()), StandardCharsets.UTF_8); // UTF-8 generator
        assertThat(encoded).contains("\"data\":" + expected + "}");
        assertThat(mapper.readTree(encoded).get("data")).isEqualTo(mapper.readTree(expected));
    }

    @Test
    void writesAStructuredCloudEvent() {
        JsonNode json = TestData.json(TestData.text(codec.encode(full())));
        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("id").asText()).isEqualTo("msg-1");
        assertThat(json.get("source").asText()).isEqualTo("/rag/document-service");
        assertThat(json.get("type").asText()).isEqualTo("rag.document.processed");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.get("dataschema").asText()).isEqualTo(MessageTypes.DOCUMENT_PROCESSED.schemaId());
        assertThat(json.get("subject").asText()).isEqualTo("doc-42");
        assertThat(json.get("correlationid").asText()).isEqualTo("corr-1");
        assertThat(json.get("causationid").asText()).isEqualTo("cause-1");
        assertThat(json.get("traceparent").asText()).startsWith("00-0af7");
        assertThat(json.get("tenant").asText()).isEqualTo("acme");
        assertThat(json.get("data")).isEqualTo(TestData.documentProcessed());
    }

    @Test
    void roundTripsEveryAttribute() {
        Envelope e = full();
        assertThat(codec.decode(codec.encode(e))).isEqualTo(e);
        assertThat(codec.decode(codec.encode(e), codec.headers(e))).isEqualTo(e);
        Envelope minimal = TestData.processed();
        assertThat(codec.decode(codec.encode(minimal))).isEqualTo(minimal);
    }

    @Test
    void headersCarryIdTypeCorrelationAndContentType() {
        Map<String, String> h = codec.headers(full());
        assertThat(h).containsExactly(
                Map.entry(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json; charset=UTF-8"),
                Map.entry(MessageHeaders.MESSAGE_ID, "msg-1"),
                Map.entry(MessageHeaders.MESSAGE_TYPE, "rag.document.processed"),
                Map.entry(MessageHeaders.CORRELATION_ID, "corr-1"),
                Map.entry(MessageHeaders.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        assertThat(codec.headers(TestData.processed())).doesNotContainKey(MessageHeaders.CORRELATION_ID);
    }

    @Test
    void writeHeadersReplacesExistingValues() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MessageHeaders.MESSAGE_ID, "stale".getBytes(StandardCharsets.UTF_8));
        headers.add("other", "kept".getBytes(StandardCharsets.UTF_8));
        codec.writeHeaders(full(), headers);
        assertThat(headers.headers(MessageHeaders.MESSAGE_ID)).hasSize(1);
        Map<String, String> map = EnvelopeCodec.headerMap(headers);
        assertThat(map).containsEntry(MessageHeaders.MESSAGE_ID, "msg-1").containsEntry("other", "kept");
        Map<String, String> expected = new HashMap<>(codec.headers(full()));
        expected.put("other", "kept");
        assertThat(map).isEqualTo(expected); // exactly the headers headers(envelope) names
    }

    @Test
    void headersThatContradictTheBodyAreRejected() {
        Envelope e = full();
        Map<String, String> h = new HashMap<>(codec.headers(e));
        h.put(MessageHeaders.MESSAGE_ID, "forged");
        assertThatThrownBy(() -> codec.decode(codec.encode(e), h)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> {
                    assertThat(ex.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE);
                    assertThat(ex.getMessage()).contains("ku_id");
                });
        h.put(MessageHeaders.MESSAGE_ID, "msg-1");
        h.put(MessageHeaders.MESSAGE_TYPE, "rag.document.deleted");
        assertThatThrownBy(() -> codec.decode(codec.encode(e), h)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> assertThat(ex.getMessage()).contains("ku_type"));
    }

    @Test
    void readsBinaryModeCloudEvents() {
        Map<String, String> h = new HashMap<>();
        h.put("ce_specversion", "1.0");
        h.put("ce_id", "bin-1");
        h.put("ce_source", "/other-sdk");
        h.put("ce_type", "rag.document.processed");
        h.put("ce_dataschema", MessageTypes.DOCUMENT_PROCESSED.schemaId());
        h.put("ce_time", "2026-11-22T10:15:30+01:00");
        h.put("ce_correlationid", "c-9");
        h.put("content-type", "application/json");
        Envelope e = codec.decode(TestData.documentProcessed().toString().getBytes(StandardCharsets.UTF_8), h);
        assertThat(e.id()).isEqualTo("bin-1");
        assertThat(e.time()).hasValue(Instant.parse("2026-11-22T09:15:30Z"));
        assertThat(e.correlationId()).hasValue("c-9");
        assertThat(e.data()).isEqualTo(TestData.documentProcessed());
        h.remove("ce_id");
        assertThatThrownBy(() -> codec.decode("{}".getBytes(StandardCharsets.UTF_8), h))
                .isInstanceOfSatisfying(MessageValidationException.class, ex -> assertThat(ex.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE));
    }

    @Test
    void rejectsForeignContentTypes() {
        assertThatThrownBy(() -> codec.decode(codec.encode(full()), Map.of("content-type", "text/plain")))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(RejectReason.UNSUPPORTED_CONTENT_TYPE));
        assertThat(codec.decode(codec.encode(full()), Map.of("content-type", "Application/CloudEvents+JSON"))).isEqualTo(full());
    }

    @Test
    void rejectsBadEnvelopes() {
        String data = TestData.documentProcessed().toString();
        assertReason("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data + "}",
                RejectReason.INVALID_ENVELOPE, "specversion");
        assertReason("{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data + "}",
                RejectReason.INVALID_ENVELOPE, "'id'");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}", RejectReason.INVALID_ENVELOPE, "data is missing");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"AA==\"}",
                RejectReason.INVALID_ENVELOPE, "data_base64");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"yesterday\",\"data\":{}}",
                RejectReason.INVALID_ENVELOPE, "RFC 3339");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"text/xml\",\"data\":{}}",
                RejectReason.INVALID_ENVELOPE, "datacontenttype");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"Bad-Ext\":\"x\",\"data\":{}}",
                RejectReason.INVALID_ENVELOPE, "extension name");
        assertReason("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"ext\":{\"a\":1},\"data\":{}}",
                RejectReason.INVALID_ENVELOPE, "'ext'");
        assertReason("[1,2]", RejectReason.INVALID_ENVELOPE, "array");
    }

    @Test
    void rejectsInvalidJsonWithoutEchoingIt() {
        assertReason("{\"a\": SECRETTOKEN}", RejectReason.INVALID_JSON, "not valid JSON");
        assertThatThrownBy(() -> codec.decode("{\"a\": SECRETTOKEN}".getBytes(StandardCharsets.UTF_8)))
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("SECRETTOKEN"));
        assertReason("{\"a\":1,\"a\":2}", RejectReason.INVALID_JSON, "Duplicate field");
        assertReason("{\"a\":1} {\"b\":2}", RejectReason.INVALID_JSON, "Trailing token");
        assertReason("", RejectReason.INVALID_JSON, "empty");
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> assertThat(ex.reason()).isEqualTo(RejectReason.INVALID_JSON));
        assertThatThrownBy(() -> codec.decode(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                .isInstanceOfSatisfying(MessageValidationException.class, ex -> assertThat(ex.reason()).isEqualTo(RejectReason.INVALID_JSON));
    }

    private void assertReason(String value, RejectReason reason, String messagePart) {
        assertThatThrownBy(() -> codec.decode(value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(MessageValidationException.class, ex -> {
                    assertThat(ex.reason()).as(ex.getMessage()).isEqualTo(reason);
                    assertThat(ex.getMessage()).contains(messagePart);
                    assertThat(ex.isRetriable()).isFalse();
                });
    }
}
