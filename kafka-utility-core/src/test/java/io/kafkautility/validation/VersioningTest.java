package io.kafkautility.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageDefinition;
import io.kafkautility.message.MessageType;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reader accepts every version it knows, reads a newer compatible minor against its newest minor of that major,
 * and rejects an unknown major as UNSUPPORTED_VERSION. rag.query.submitted has 1.0 and 1.1 (adds optional language).
 */
class VersioningTest {

    private static final MessageType V1_0 = MessageType.of("rag.query.submitted", 1, 0);
    private static final MessageType V1_1 = MessageTypes.QUERY_SUBMITTED;
    private static final MessageType V1_2 = MessageType.of("rag.query.submitted", 1, 2);
    private static final MessageType V2_0 = MessageType.of("rag.query.submitted", 2, 0);

    private final MessageValidator reader = MessageValidator.create();

    private byte[] record(MessageType claimed, ObjectNode data) {
        // written raw: a producer of another version does not go through this reader's requireValid
        return reader.codec().encode(Envelope.builder().source("/rag/query-service").type(claimed.name())
                .dataSchema(claimed.schemaId()).data(data).build());
    }

    private static ObjectNode withLanguage() {
        return TestData.querySubmitted().put("language", "pt-BR");
    }

    @Test
    void everyKnownVersionIsReadAgainstItsOwnSchema() {
        DecodeResult v10 = reader.decode(record(V1_0, TestData.querySubmitted()), Map.of());
        assertThat(v10.validatedAgainst()).as(v10.toString()).hasValue(V1_0);
        DecodeResult v11 = reader.decode(record(V1_1, withLanguage()), Map.of());
        assertThat(v11.validatedAgainst()).as(v11.toString()).hasValue(V1_1);
        assertThat(v11.envelope().data().get("language").asText()).isEqualTo("pt-BR");
    }

    @Test
    void knownVersionsAreStrict() {
        DecodeResult r = reader.decode(record(V1_0, withLanguage()), Map.of());
        assertThat(r.reason()).hasValue(RejectReason.SCHEMA_VIOLATION);
        assertThat(r.errors()).extracting(ValidationError::keyword).containsExactly("additionalProperties");
    }

    @Test
    void newerCompatibleMinorIsReadAgainstTheNewestKnownMinor() {
        ObjectNode fromTheFuture = withLanguage().put("priority", "high");
        DecodeResult r = reader.decode(record(V1_2, fromTheFuture), Map.of());
        assertThat(r.isValid()).as(r.toString()).isTrue();
        assertThat(r.validatedAgainst()).hasValue(V1_1);
        assertThat(r.envelope().messageType()).hasValue(V1_2);
        assertThat(r.envelope().data().get("priority").asText()).as("unknown properties are kept").isEqualTo("high");
    }

    @Test
    void anOlderReaderReadsTheCurrentMinor() {
        MessageCatalog onlyV10 = MessageCatalog.builder()
                .add(MessageDefinition.of("rag.query.submitted", "rag.queries", "sessionId", "query-service", "", List.of(V1_0)))
                .build();
        MessageValidator oldReader = MessageValidator.create(onlyV10);
        DecodeResult r = oldReader.decode(record(V1_1, withLanguage()), Map.of());
        assertThat(r.isValid()).as(r.toString()).isTrue();
        assertThat(r.validatedAgainst()).hasValue(V1_0);
    }

    @Test
    void newerMinorMustStillSatisfyEveryKnownRule() {
        ObjectNode missingUser = withLanguage();
        missingUser.remove("userId");
        missingUser.put("topK", 0);
        DecodeResult r = reader.decode(record(V1_2, missingUser), Map.of());
        assertThat(r.reason()).hasValue(RejectReason.SCHEMA_VIOLATION);
        assertThat(r.errors()).extracting(e -> e.pointer() + " " + e.keyword()).containsExactlyInAnyOrder("/userId required", "/topK minimum");
    }

    @Test
    void unknownMajorIsUnsupportedVersion() {
        DecodeResult r = reader.decode(record(V2_0, TestData.querySubmitted()), Map.of());
        assertThat(r.reason()).hasValue(RejectReason.UNSUPPORTED_VERSION);
        assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).contains("2.0").contains("[1.0, 1.1]"));
        DecodeResult garbage = reader.decode(reader.codec().encode(Envelope.builder().source("/q").type("rag.query.submitted")
                .dataSchema("https://example.com/query.json").data(TestData.querySubmitted()).build()), Map.of());
        assertThat(garbage.reason()).hasValue(RejectReason.UNSUPPORTED_VERSION);
    }

    @Test
    void producersWriteOnlyVersionsTheyKnow() {
        Envelope e = Envelope.builder().source("/q").type(V1_2.name()).dataSchema(V1_2.schemaId()).data(TestData.querySubmitted()).build();
        assertThatThrownBy(() -> reader.requireValid(e)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> assertThat(ex.reason()).isEqualTo(RejectReason.UNSUPPORTED_VERSION));
        reader.requireValid(TestData.envelope(V1_0, TestData.querySubmitted()));
        reader.requireValid(TestData.envelope(V1_1, withLanguage()));
    }
}
