package io.kafkautility.message;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {

    @Test
    void defaultsAreARandomUuidIdAndTheCurrentTime() {
        Instant before = Instant.now();
        Envelope e = TestData.processed();
        assertThat(UUID.fromString(e.id()).toString()).isEqualTo(e.id());
        assertThat(e.time()).hasValueSatisfying(t -> assertThat(t).isBetween(before, Instant.now()));
        assertThat(e.specVersion()).isEqualTo("1.0");
        assertThat(e.dataContentType()).isEqualTo("application/json");
        assertThat(e.type()).isEqualTo("rag.document.processed");
        assertThat(e.dataSchema()).hasValue("https://kafkautility.io/schemas/rag.document.processed.v1.schema.json");
        assertThat(e.messageType()).hasValue(MessageTypes.DOCUMENT_PROCESSED);
    }

    @Test
    void idsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(TestData.processed().id());
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void generatedIdsAreTimeOrderedVersion7UuidsUniqueAcrossThreads() throws Exception {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(Envelope.newId());
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        long millis = id.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(before, System.currentTimeMillis());
        // four threads at once, 50,000 ids each: no two alike
        Set<String> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        all.add(Envelope.newId());
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(all).hasSize(200_000);
        // ids of a later millisecond sort after earlier ones
        String first = Envelope.newId();
        long t0 = System.currentTimeMillis();
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > t0);
        assertThat(Envelope.newId()).isGreaterThan(first);
    }

    @Test
    void idIsStableAcrossToBuilder() {
        Envelope e = TestData.processed();
        Envelope again = e.toBuilder().build();
        assertThat(again.id()).isEqualTo(e.id());
        assertThat(again).isEqualTo(e);
    }

    @Test
    void dataIsCopiedInAndOut() {
        ObjectNode data = TestData.documentProcessed();
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, data);
        data.put("documentId", "changed");
        ((ObjectNode) e.data()).put("documentId", "changed too");
        assertThat(e.data().get("documentId").asText()).isEqualTo("doc-42");
    }

    @Test
    void toStringNeverShowsTheData() {
        ObjectNode data = TestData.documentProcessed();
        data.putObject("metadata").put("secret", "PAYLOAD-SECRET-123");
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, data);
        assertThat(e.toString()).contains(e.id()).contains("rag.document.processed").doesNotContain("PAYLOAD-SECRET-123");
    }

    @Test
    void causedByLinksCorrelationCausationAndTrace() {
        String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Envelope request = Envelope.builder().source("/q").messageType(MessageTypes.QUERY_SUBMITTED)
                .data(TestData.querySubmitted()).traceparent(trace).build();
        Envelope reply = Envelope.builder().source("/llm").messageType(MessageTypes.DOCUMENT_PROCESSED)
                .data(TestData.documentProcessed()).causedBy(request).build();
        assertThat(reply.causationId()).hasValue(request.id());
        assertThat(reply.correlationId()).hasValue(request.id());
        assertThat(reply.traceparent()).hasValue(trace);
        Envelope next = Envelope.builder().source("/x").messageType(MessageTypes.DOCUMENT_PROCESSED)
                .data(TestData.documentProcessed()).causedBy(reply).build();
        assertThat(next.correlationId()).as("the flow keeps its correlation id").hasValue(request.id());
        assertThat(next.causationId()).hasValue(reply.id());
    }

    @Test
    void builderRejectsBadValuesAtTheCall() {
        Envelope.Builder b = Envelope.builder();
        assertThatThrownBy(() -> b.id(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id must not be blank");
        assertThatThrownBy(() -> b.source(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.traceparent("not-a-trace")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("traceparent");
        assertThatThrownBy(() -> b.extension("Bad_Name", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extension name");
        assertThatThrownBy(() -> b.extension("correlationid", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> b.subject("x".repeat(1025))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1024");
        assertThatThrownBy(() -> Envelope.builder().messageType(MessageTypes.DOCUMENT_PROCESSED)
                .data(TestData.documentProcessed()).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("source");
        assertThatThrownBy(() -> Envelope.builder().source("/s").messageType(MessageTypes.DOCUMENT_PROCESSED).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("data");
    }

    @Test
    void messageTypeParsesAndFormatsSchemaIds() {
        MessageType v11 = MessageType.of("rag.query.submitted", 1, 1);
        assertThat(v11.schemaId()).isEqualTo("https://kafkautility.io/schemas/rag.query.submitted.v1.1.schema.json");
        assertThat(MessageType.of("rag.query.submitted", 1).schemaFileName()).isEqualTo("rag.query.submitted.v1.schema.json");
        assertThat(MessageType.fromSchemaId(v11.schemaId())).hasValue(v11);
        assertThat(MessageType.fromSchemaId("https://example.com/rag.query.submitted.v1.schema.json")).isEmpty();
        assertThat(MessageType.fromSchemaId(MessageType.SCHEMA_ID_PREFIX + "rag.query.submitted.v0.schema.json")).isEmpty();
        assertThat(v11.toString()).isEqualTo("rag.query.submitted v1.1");
        assertThatThrownBy(() -> MessageType.of("Rag Query", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageType.of("rag.x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("major version must be in [1, 9999] but was 0");
    }

    @Test
    void standardCatalogKnowsEveryTypeWithTopicKeyAndOwner() {
        MessageCatalog catalog = MessageCatalog.standard();
        assertThat(catalog.definitions()).extracting(MessageDefinition::name).containsExactly(
                "rag.document.uploaded", "rag.document.processed", "rag.document.deleted", "rag.query.submitted",
                "rag.llm.request", "rag.llm.response", "rag.llm.response.chunk", "rag.query.cancelled");
        MessageDefinition query = catalog.get("rag.query.submitted");
        assertThat(query.topic()).isEqualTo("rag.queries");
        assertThat(query.keyField()).isEqualTo("sessionId");
        assertThat(query.latest()).isEqualTo(MessageTypes.QUERY_SUBMITTED);
        assertThat(query.versions()).containsExactly(MessageType.of("rag.query.submitted", 1, 0), MessageTypes.QUERY_SUBMITTED);
        assertThat(query.keyOf(TestData.querySubmitted())).hasValue("sess-9");
        for (MessageType t : new MessageType[] {MessageTypes.DOCUMENT_UPLOADED, MessageTypes.DOCUMENT_PROCESSED,
                MessageTypes.DOCUMENT_DELETED, MessageTypes.QUERY_SUBMITTED, MessageTypes.LLM_REQUEST,
                MessageTypes.LLM_RESPONSE, MessageTypes.LLM_RESPONSE_CHUNK, MessageTypes.QUERY_CANCELLED}) {
            assertThat(catalog.get(t.name()).latest()).as("MessageTypes constant is the current version").isEqualTo(t);
        }
        assertThatThrownBy(() -> catalog.get("rag.nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
    }

    @Test
    void jsonLimitsRejectBadValues() {
        assertThatThrownBy(() -> JsonLimits.builder().maxNestingDepth(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxNestingDepth must be >= 4 but was 2");
        assertThatThrownBy(() -> JsonLimits.builder().maxNumberLength(100_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(JsonLimits.defaults().maxNestingDepth()).isEqualTo(JsonLimits.DEFAULT_MAX_NESTING_DEPTH);
    }
}
