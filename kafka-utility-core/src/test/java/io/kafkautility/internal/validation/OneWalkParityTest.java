package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.internal.message.JacksonEnvelopeCodec;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageType;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.validation.MessageValidationException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.GenerationMode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one-walk producer path ({@code encodeValid}: bounds, schema and writing in a single walk of the data) against
 * the two-pass path it replaced ({@code requireValid}, then {@code encode} with Jackson's {@code writeTree}): the same
 * bytes for every valid document, the same rejection (reason and errors) for every invalid one.
 */
class OneWalkParityTest {

    private static final DefaultMessageValidator VALIDATOR = new DefaultMessageValidator(MessageCatalog.standard(),
            JsonLimits.defaults(), OneWalkParityTest.class.getClassLoader());
    private static final JacksonEnvelopeCodec READER = new JacksonEnvelopeCodec(JsonLimits.defaults());

    @Property(tries = 2_000, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void theWalkWritesWhatWriteTreeWritesAndRefusesWhatTheReportRefuses(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<MessageType> types = MessageCatalog.standard().allVersions();
        MessageType type = types.get(random.nextInt(types.size()));
        BoundaryDocuments documents = new BoundaryDocuments(type);
        for (int i = 0; i < 20; i++) {
            JsonNode data;
            try {
                data = READER.parse(documents.next(random).getBytes(StandardCharsets.UTF_8));
            } catch (MessageValidationException e) {
                continue;
            }
            check(envelope(type, data));
        }
    }

    /** The reader before: Jackson's readTree with the same limits, duplicate keys and trailing tokens refused. */
    private static final com.fasterxml.jackson.databind.ObjectMapper BEFORE = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.core.JsonFactory.builder().streamReadConstraints(
                    com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(JsonLimits.defaults().maxNestingDepth())
                            .maxStringLength(JsonLimits.defaults().maxStringLength())
                            .maxNumberLength(JsonLimits.defaults().maxNumberLength())
                            .maxNameLength(JsonLimits.defaults().maxNameLength()).build()).build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    @Property(tries = 2_000, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void theReaderBuildsWhatReadTreeBuiltExceptWhereADoubleLosesTheNumber(@ForAll long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        List<MessageType> types = MessageCatalog.standard().allVersions();
        MessageType type = types.get(random.nextInt(types.size()));
        BoundaryDocuments documents = new BoundaryDocuments(type);
        for (int i = 0; i < 20; i++) {
            byte[] bytes = documents.next(random).getBytes(StandardCharsets.UTF_8);
            JsonNode before;
            try {
                before = BEFORE.readTree(bytes);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                assertThatThrownBy(() -> READER.parse(bytes)).isInstanceOf(MessageValidationException.class);
                continue;
            }
            JsonNode now = READER.parse(bytes);
            if (!hasExactOnlyNumbers(now)) {
                assertThat(now).isEqualTo(before);
                assertThat(BEFORE.writeValueAsString(now)).isEqualTo(BEFORE.writeValueAsString(before));
            }
        }
    }

    /** Whether the tree holds a number only a DecimalNode keeps (one a double would change). */
    private static boolean hasExactOnlyNumbers(JsonNode n) {
        if (n.isBigDecimal()) {
            return true;
        }
        for (JsonNode c : n) {
            if (hasExactOnlyNumbers(c)) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 2_000, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void checkingWhileReadingJudgesAsTheWalkAfterReading(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<MessageType> types = MessageCatalog.standard().allVersions();
        MessageType type = types.get(random.nextInt(types.size()));
        BoundaryDocuments documents = new BoundaryDocuments(type);
        for (int i = 0; i < 20; i++) {
            String attributes = "\"specversion\":\"1.0\",\"id\":\"id-1\",\"source\":\"/s\",\"type\":\"" + type.name()
                    + "\",\"datacontenttype\":\"application/json\",\"dataschema\":\"" + type.schemaId() + "\"";
            String data = documents.next(random);
            // as the library writes it (dataschema first: checked while read), and data first (checked after)
            for (String json : List.of("{" + attributes + ",\"data\":" + data + "}", "{\"data\":" + data + "," + attributes + "}")) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                io.kafkautility.validation.DecodeResult now = VALIDATOR.decode(bytes, java.util.Map.of());
                Envelope envelope;
                try {
                    envelope = READER.decode(bytes);
                } catch (MessageValidationException e) {
                    assertThat(now.reason()).hasValue(e.reason());
                    continue;
                }
                JsonNode tree = io.kafkautility.internal.message.EnvelopeAccess.data(envelope);
                List<io.kafkautility.validation.ValidationError> errors = VALIDATOR.schemaOf(type).errors(tree, false);
                assertThat(now.isValid()).as(json).isEqualTo(errors.isEmpty());
                assertThat(now.errors()).isEqualTo(errors);
            }
        }
    }

    @Test
    void numbersOfEveryNodeKindAreWrittenAlike() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode data = (ObjectNode) READER.parse("{\"documentId\":\"d-1\",\"status\":\"success\",\"chunkCount\":3,\"metadata\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode metadata = (ObjectNode) data.get("metadata");
        metadata.set("double", f.numberNode(0.1 + 0.2));
        metadata.set("float", f.numberNode(1.5f));
        metadata.set("long", f.numberNode(Long.MAX_VALUE));
        metadata.set("short", f.numberNode((short) 7));
        metadata.set("big", f.numberNode(new BigInteger("123456789012345678901234567890")));
        metadata.set("decimal", f.numberNode(new BigDecimal("1.000000000000000000001")));
        metadata.set("nothing", f.nullNode());
        metadata.set("list", f.arrayNode().add(true).add(f.objectNode().put("a", "\u6587\uD83D\uDE00\n\"")));
        check(envelope(MessageTypes.DOCUMENT_PROCESSED, data));
        data.put("chunkCount", 3.0); // an integer spelled as a double
        check(envelope(MessageTypes.DOCUMENT_PROCESSED, data));
    }

    @Test
    void aBinaryNodeTakesTheTwoPassPath() {
        ObjectNode data = (ObjectNode) READER.parse("{\"documentId\":\"d-1\",\"status\":\"success\",\"chunkCount\":3,\"metadata\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        ((ObjectNode) data.get("metadata")).set("bytes", JsonNodeFactory.instance.binaryNode(new byte[]{1, 2, 3}));
        check(envelope(MessageTypes.DOCUMENT_PROCESSED, data));
    }

    @Test
    void limitsAreCheckedInTheWalkAsBefore() {
        ObjectNode data = (ObjectNode) READER.parse("{\"documentId\":\"d-1\",\"status\":\"success\",\"chunkCount\":3,\"metadata\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode deep = (ObjectNode) data.get("metadata");
        for (int i = 0; i < 70; i++) {
            deep = deep.putObject("d");
        }
        Envelope e = envelope(MessageTypes.DOCUMENT_PROCESSED, data);
        check(e);
        assertThatThrownBy(() -> VALIDATOR.encodeValid(e)).isInstanceOf(MessageValidationException.class)
                .hasMessageContaining("LIMITS_EXCEEDED");
    }

    private static Envelope envelope(MessageType type, JsonNode data) {
        return io.kafkautility.internal.message.EnvelopeAccess.adoptData(Envelope.builder().id("id-1").source("/s")
                .time(Instant.parse("2026-12-08T01:02:03.004Z")).messageType(type), data).build();
    }

    private static void check(Envelope e) {
        MessageValidationException before = null;
        byte[] expected = null;
        try {
            VALIDATOR.requireValid(e);
            expected = VALIDATOR.codec().encode(e);
        } catch (MessageValidationException x) {
            before = x;
        }
        if (before == null && expected.length > JsonLimits.defaults().maxDocumentBytes()) {
            return; // refused by size after the writing, on both paths
        }
        if (before == null) {
            assertThat(new String(VALIDATOR.encodeValid(e), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        } else {
            MessageValidationException expectedFailure = before;
            assertThatThrownBy(() -> VALIDATOR.encodeValid(e)).isInstanceOfSatisfying(MessageValidationException.class, x -> {
                assertThat(x.reason()).isEqualTo(expectedFailure.reason());
                assertThat(x.errors()).isEqualTo(expectedFailure.errors());
            });
        }
    }
}
