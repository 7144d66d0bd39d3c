package io.kafkautility.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.MessageHeaders;
import io.kafkautility.internal.validation.DefaultMessageValidator;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageDefinition;
import io.kafkautility.message.MessageType;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageValidatorTest {

    private final MessageValidator validator = MessageValidator.create();

    @Test
    void produceSideRejectionListsEveryViolation() {
        ObjectNode data = TestData.json("{\"documentId\":\"\",\"status\":\"done\",\"chunkCount\":-1,\"metadata\":\"x\",\"colour\":\"red\"}");
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, data);
        assertThatThrownBy(() -> validator.requireValid(e)).isInstanceOfSatisfying(MessageValidationException.class, ex -> {
            assertThat(ex).isInstanceOf(KafkaUtilityException.class);
            assertThat(ex.isRetriable()).isFalse();
            assertThat(ex.reason()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
            assertThat(ex.messageId()).hasValue(e.id());
            assertThat(ex.messageType()).hasValue("rag.document.processed v1.0");
            assertThat(ex.errors()).extracting(err -> err.pointer() + " " + err.keyword()).containsExactlyInAnyOrder(
                    " additionalProperties", "/chunkCount minimum", "/documentId minLength", "/documentId pattern",
                    "/metadata type", "/status enum");
            assertThat(ex.errors()).allSatisfy(err -> assertThat(err.message()).isNotBlank().doesNotContain("red").doesNotContain("done"));
            assertThat(ex.getMessage()).startsWith("SCHEMA_VIOLATION rag.document.processed v1.0 id=" + e.id() + ": 6 schema violations")
                    .contains("/status [enum]").contains("/chunkCount [minimum]");
            System.out.println(ex.getMessage());
        });
        assertThatThrownBy(() -> validator.encodeValid(e)).isInstanceOf(MessageValidationException.class);
    }

    @Test
    void missingRequiredPropertiesPointAtTheProperty() {
        List<ValidationError> errors = validator.validate(MessageTypes.DOCUMENT_PROCESSED,
                TestData.json("{\"documentId\":\"d\",\"status\":\"failed\",\"metadata\":{},\"chunkCount\":0}"));
        assertThat(errors).containsExactly(ValidationError.of("/error", "required", "required property 'error' not found"));
    }

    @Test
    void validEnvelopeEncodesAndDecodes() {
        Envelope e = TestData.processed();
        byte[] value = validator.encodeValid(e);
        DecodeResult r = validator.decode(value, validator.codec().headers(e));
        assertThat(r.isValid()).as(r.toString()).isTrue();
        assertThat(r.envelope()).isEqualTo(e);
        assertThat(r.validatedAgainst()).hasValue(MessageTypes.DOCUMENT_PROCESSED);
        assertThat(r.reason()).isEmpty();
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void produceRejectsUnknownTypesAndMissingDataschema() {
        Envelope unknown = Envelope.builder().source("/s").type("rag.unknown").dataSchema(MessageType.of("rag.unknown", 1).schemaId())
                .data(TestData.documentProcessed()).build();
        assertThatThrownBy(() -> validator.requireValid(unknown)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> assertThat(ex.reason()).isEqualTo(RejectReason.UNKNOWN_TYPE));
        Envelope noSchema = Envelope.builder().source("/s").type("rag.document.processed").data(TestData.documentProcessed()).build();
        assertThatThrownBy(() -> validator.requireValid(noSchema)).isInstanceOfSatisfying(MessageValidationException.class,
                ex -> assertThat(ex.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE));
        assertThatThrownBy(() -> validator.validate(MessageType.of("rag.document.processed", 7), TestData.documentProcessed()))
                .isInstanceOfSatisfying(MessageValidationException.class, ex -> assertThat(ex.reason()).isEqualTo(RejectReason.UNSUPPORTED_VERSION));
    }

    @Test
    void consumeSideGivesAReasonForEveryKindOfBadRecord() {
        Envelope ok = TestData.processed();
        String okJson = TestData.text(validator.codec().encode(ok));
        assertReason("not json at all", Map.of(), RejectReason.INVALID_JSON);
        assertReason(null, Map.of(), RejectReason.INVALID_JSON);
        assertReason(okJson, Map.of(MessageHeaders.CONTENT_TYPE, "application/avro"), RejectReason.UNSUPPORTED_CONTENT_TYPE);
        assertReason(okJson.replace("\"specversion\":\"1.0\"", "\"specversion\":\"2.0\""), Map.of(), RejectReason.INVALID_ENVELOPE);
        assertReason(okJson, Map.of(MessageHeaders.MESSAGE_ID, "someone-else"), RejectReason.INVALID_ENVELOPE);
        assertReason(okJson.replace("\"type\":\"rag.document.processed\"", "\"type\":\"rag.document.archived\""), Map.of(),
                RejectReason.UNKNOWN_TYPE);
        assertReason(okJson.replace("rag.document.processed.v1.schema.json", "rag.document.processed.v2.schema.json"), Map.of(),
                RejectReason.UNSUPPORTED_VERSION);
        assertReason(okJson.replace("rag.document.processed.v1.schema.json", "rag.document.deleted.v1.schema.json"), Map.of(),
                RejectReason.INVALID_ENVELOPE);
        assertReason(okJson.replace("\"chunkCount\":37", "\"chunkCount\":\"many\""), Map.of(), RejectReason.SCHEMA_VIOLATION);
        assertReason("[" + "[".repeat(100) + "]".repeat(100) + "]", Map.of(), RejectReason.LIMITS_EXCEEDED);
    }

    @Test
    void rejectionMessagesNeverContainThePayload() {
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED,
                TestData.json("{\"documentId\":\"doc-1\",\"status\":\"SECRET-STATUS-VALUE\",\"metadata\":{\"k\":\"SECRET-META\"},\"chunkCount\":1.5}"));
        DecodeResult r = validator.decode(validator.codec().encode(e), Map.of());
        assertThat(r.reason()).hasValue(RejectReason.SCHEMA_VIOLATION);
        assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).doesNotContain("SECRET"));
        assertThat(r.errors()).hasSize(2).allSatisfy(err -> assertThat(err.toString()).doesNotContain("SECRET"));
        assertThatThrownBy(r::envelope).isInstanceOf(MessageValidationException.class);
    }

    @Test
    void oneValidatorIsSafeToShareAcrossThreads() throws Exception {
        byte[] valid = validator.codec().encode(TestData.processed());
        byte[] invalid = validator.codec().encode(TestData.envelope(MessageTypes.DOCUMENT_PROCESSED,
                TestData.json("{\"documentId\":\"d\",\"status\":\"failed\",\"metadata\":{},\"chunkCount\":0}")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<int[]>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    int[] counts = new int[2];
                    for (int i = 0; i < 500; i++) {
                        counts[validator.decode(valid, Map.of()).isValid() ? 0 : 1]++;
                        DecodeResult r = validator.decode(invalid, Map.of());
                        if (r.reason().orElse(null) == RejectReason.SCHEMA_VIOLATION && r.errors().size() == 1) {
                            counts[0]++;
                        }
                    }
                    return counts;
                }));
            }
            for (Future<int[]> f : futures) {
                assertThat(f.get(60, TimeUnit.SECONDS)).containsExactly(1000, 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRemoteRefFailsCreationWithoutAnyNetworkFetch(@TempDir Path dir) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            MessageType type = MessageType.of("test.remote", 1);
            writeSchema(dir, type, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"" + type.schemaId()
                    + "\",\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"http://127.0.0.1:" + port + "/evil.json\"}}}");
            assertThatThrownBy(() -> create(dir, type)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("test.remote v1.0").hasMessageContaining("not allowed");
            assertThat(server.accept()).as("no connection was attempted").isNull();
        }
    }

    @Test
    void aMissingClasspathRefOrAWrongIdFailsCreation(@TempDir Path dir) throws Exception {
        MessageType missing = MessageType.of("test.missing", 1);
        writeSchema(dir, missing, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"" + missing.schemaId()
                + "\",\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"nothere.v1.schema.json#/$defs/x\"}}}");
        assertThatThrownBy(() -> create(dir, missing)).isInstanceOf(IllegalStateException.class).hasMessageContaining("test.missing");
        MessageType wrongId = MessageType.of("test.wrongid", 1);
        writeSchema(dir, wrongId, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\""
                + MessageType.SCHEMA_ID_PREFIX + "other.v1.schema.json\",\"type\":\"object\"}");
        assertThatThrownBy(() -> create(dir, wrongId)).isInstanceOf(IllegalStateException.class).hasMessageContaining("must declare");
        MessageType absent = MessageType.of("test.absent", 1);
        assertThatThrownBy(() -> create(dir, absent)).isInstanceOf(IllegalStateException.class).hasMessageContaining("test.absent");
    }

    @Test
    void customCatalogsAddTheirOwnTypes(@TempDir Path dir) throws Exception {
        MessageType type = MessageType.of("acme.thing.created", 1);
        writeSchema(dir, type, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"" + type.schemaId()
                + "\",\"type\":\"object\",\"properties\":{\"id\":{\"$ref\":\"common.v1.schema.json#/$defs/id\"}},\"required\":[\"id\"]}");
        MessageValidator custom = create(dir, type);
        assertThat(custom.validate(type, TestData.json("{\"id\":\"a-1\"}"))).isEmpty();
        assertThat(custom.validate(type, TestData.json("{\"id\":\"\"}"))).extracting(ValidationError::keyword)
                .containsExactlyInAnyOrder("minLength", "pattern");
        assertThat(custom.catalog().find("rag.document.processed")).isPresent();
    }

    @Test
    void everyStandardSchemaIsCompiledAndOneOutsideTheSubsetFallsBackToNetworknt(@TempDir Path dir) throws Exception {
        assertThat(((DefaultMessageValidator) validator).fallbackTypes()).isEmpty();
        MessageType type = MessageType.of("acme.tagged", 1);
        writeSchema(dir, type, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"" + type.schemaId()
                + "\",\"type\":\"object\",\"patternProperties\":{\"^x-\":{\"type\":\"integer\"}},"
                + "\"properties\":{\"id\":{\"$ref\":\"common.v1.schema.json#/$defs/id\"}}}");
        DefaultMessageValidator custom = (DefaultMessageValidator) create(dir, type);
        assertThat(custom.fallbackTypes()).containsExactly(type);
        assertThat(custom.validate(type, TestData.json("{\"id\":\"a\",\"x-n\":1}"))).isEmpty();
        assertThat(custom.validate(type, TestData.json("{\"id\":\"a\\n\",\"x-n\":\"one\"}")))
                .extracting(e -> e.pointer() + " " + e.keyword())
                .containsExactly("/id pattern", "/x-n type"); // ECMA-262 patterns on the fallback path too
    }

    private static MessageValidator create(Path dir, MessageType type) throws Exception {
        MessageCatalog catalog = MessageCatalog.standard().toBuilder()
                .add(MessageDefinition.of(type.name(), "test", "id", "test", "", List.of(type))).build();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, MessageValidatorTest.class.getClassLoader());
        return new DefaultMessageValidator(catalog, JsonLimits.defaults(), loader);
    }

    private static void writeSchema(Path dir, MessageType type, String json) throws Exception {
        Path file = dir.resolve(type.schemaResource());
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
    }

    private void assertReason(String value, Map<String, String> headers, RejectReason reason) {
        DecodeResult r = validator.decode(value == null ? null : value.getBytes(StandardCharsets.UTF_8), new HashMap<>(headers));
        assertThat(r.isValid()).isFalse();
        assertThat(r.reason()).as(r.toString()).hasValue(reason);
        assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).startsWith(reason.name()));
        System.out.println(r);
    }
}
