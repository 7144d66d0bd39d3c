package io.kafkautility.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Hostile JSON is cut off by Jackson StreamReadConstraints (and a size check) before any schema validation: a clear
 * LIMITS_EXCEEDED reason, never a StackOverflowError or an unbounded allocation. The timeout is a hang guard only.
 */
class HostileJsonTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final String PREFIX = "{\"specversion\":\"1.0\",\"id\":\"h-1\",\"source\":\"/evil\",\"type\":\"rag.query.submitted\","
            + "\"dataschema\":\"https://kafkautility.io/schemas/rag.query.submitted.v1.schema.json\",\"data\":";

    private final MessageValidator validator = MessageValidator.create();

    @Test
    void duplicateKeysAreRejectedAsInvalidJsonInAttributesAndData() {
        String data = "{\"queryId\":\"q\",\"query\":\"a\",\"userId\":\"u\",\"sessionId\":\"s\"}";
        String duplicateInData = PREFIX + "{\"queryId\":\"q\",\"query\":\"a\",\"query\":\"b\","
                + "\"userId\":\"u\",\"sessionId\":\"s\"}}";
        String duplicateAttribute = PREFIX.replace("\"type\":\"rag.query.submitted\",",
                "\"type\":\"rag.query.submitted\",\"type\":\"rag.document.deleted\",") + data + "}";
        assertThat(validator.decode((PREFIX + data + "}").getBytes(StandardCharsets.UTF_8), Map.of()).isValid())
                .as("the same record without a duplicate is valid").isTrue();
        for (String json : java.util.List.of(duplicateInData, duplicateAttribute)) {
            DecodeResult r = validator.decode(json.getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(r.reason()).as(json).hasValue(RejectReason.INVALID_JSON);
            assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).containsIgnoringCase("duplicate"));
        }
    }

    @Test
    void tenThousandDeepArrayIsRejected() {
        byte[] bare = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, bare, "nesting depth");
        byte[] inData = (PREFIX + "{\"queryId\":\"q\",\"query\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}")
                .getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, inData, "nesting depth");
        byte[] objects = ("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, objects, "nesting depth");
    }

    @Test
    void thirtyMegabyteStringIsRejected() {
        byte[] value = withString(30 * 1024 * 1024);
        // default limits: the record is bigger than maxDocumentBytes, rejected before parsing
        assertLimit(validator, value, "more than the limit of " + JsonLimits.DEFAULT_MAX_DOCUMENT_BYTES);
        // a reader that accepts 64 MB records still stops the string at maxStringLength while parsing
        MessageValidator big = MessageValidator.create(MessageCatalog.standard(),
                JsonLimits.builder().maxDocumentBytes(64 * 1024 * 1024).build());
        assertLimit(big, value, "String value length");
    }

    @Test
    void hundredThousandDigitNumberIsRejected() {
        char[] digits = new char[100_000];
        Arrays.fill(digits, '7');
        byte[] value = (PREFIX + "{\"queryId\":\"q\",\"topK\":" + new String(digits) + "}}").getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, value, "Number value length");
        byte[] fraction = (PREFIX + "{\"queryId\":\"q\",\"topK\":0." + new String(digits) + "}}").getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, fraction, "Number value length");
    }

    @Test
    void hugePropertyNamesAndTokenFloodsAreRejected() {
        byte[] name = (PREFIX + "{\"" + "k".repeat(100_000) + "\":1}}").getBytes(StandardCharsets.UTF_8);
        assertLimit(validator, name, "Name length");
        MessageValidator small = MessageValidator.create(MessageCatalog.standard(), JsonLimits.builder().maxTokenCount(1_000).build());
        byte[] flood = ("[" + "0,".repeat(5_000) + "0]").getBytes(StandardCharsets.UTF_8);
        assertLimit(small, flood, "Token count");
    }

    @Test
    void producersCannotSendWhatReadersWouldReject() {
        ObjectNode hostile = TestData.documentProcessed();
        hostile.putObject("metadata").set("deep", nested(10_000));
        IllegalArgumentException atTheCall = assertTimeoutPreemptively(HANG_GUARD, () -> org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Envelope.builder().data(hostile)));
        assertThat(atTheCall).hasMessageContaining("at most " + Envelope.MAX_DATA_DEPTH);

        ObjectNode data = TestData.documentProcessed();
        data.putObject("metadata").set("deep", nested(500));
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, data);
        MessageValidationException ex = assertTimeoutPreemptively(HANG_GUARD, () -> {
            try {
                validator.encodeValid(e);
                return null;
            } catch (MessageValidationException thrown) {
                return thrown;
            }
        });
        assertThat(ex).isNotNull();
        assertThat(ex.reason()).isEqualTo(RejectReason.LIMITS_EXCEEDED);
        assertThat(ex.getMessage()).contains("nested deeper");

        ObjectNode longString = TestData.documentProcessed();
        longString.putObject("metadata").put("blob", "x".repeat(JsonLimits.DEFAULT_MAX_STRING_LENGTH + 1));
        MessageValidationException tooLong = org.junit.jupiter.api.Assertions.assertThrows(MessageValidationException.class,
                () -> validator.encodeValid(TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, longString)));
        assertThat(tooLong.reason()).isEqualTo(RejectReason.LIMITS_EXCEEDED);

        ObjectNode bigRecord = TestData.documentProcessed();
        ObjectNode meta = bigRecord.putObject("metadata");
        for (int i = 0; i < 5; i++) {
            meta.put("part" + i, "y".repeat(1_000_000));
        }
        MessageValidationException tooBig = org.junit.jupiter.api.Assertions.assertThrows(MessageValidationException.class,
                () -> validator.encodeValid(TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, bigRecord)));
        assertThat(tooBig.reason()).isEqualTo(RejectReason.LIMITS_EXCEEDED);
        assertThat(tooBig.getMessage()).contains("encoded message");
    }

    @Test
    void aTreeOfAnyDepthIsRejectedWithoutRecursingPastTheLimit() throws Exception {
        // the bounds check runs before the schema validator recurses into a caller's tree: it must stop at the nesting
        // limit (at most 1000), whatever the tree's depth, even on a thread with a small stack
        MessageValidator deepest = MessageValidator.create(MessageCatalog.standard(),
                JsonLimits.builder().maxNestingDepth(Envelope.MAX_DATA_DEPTH).build());
        ObjectNode data = TestData.documentProcessed();
        data.putObject("metadata").set("deep", nested(200_000));
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                deepest.validate(MessageTypes.DOCUMENT_PROCESSED, data);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "small-stack", 512 * 1024);
        small.start();
        small.join(HANG_GUARD.toMillis());
        assertThat(small.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(MessageValidationException.class);
        assertThat(((MessageValidationException) thrown.get()).reason()).isEqualTo(RejectReason.LIMITS_EXCEEDED);
        assertThat(thrown.get().getMessage()).contains("nested deeper than the limit of " + Envelope.MAX_DATA_DEPTH);
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        ArrayNode cur = root;
        for (int i = 1; i < depth; i++) {
            cur = cur.addArray();
        }
        return root;
    }

    private static byte[] withString(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 512);
        out.writeBytes((PREFIX + "{\"queryId\":\"q\",\"query\":\"").getBytes(StandardCharsets.UTF_8));
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        for (int written = 0; written < length; written += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, length - written));
        }
        out.writeBytes("\",\"userId\":\"u\",\"sessionId\":\"s\"}}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertLimit(MessageValidator v, byte[] value, String messagePart) {
        long t0 = System.nanoTime();
        DecodeResult r = assertTimeoutPreemptively(HANG_GUARD, () -> v.decode(value, Map.of()));
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(r.reason()).as(r.toString()).hasValue(RejectReason.LIMITS_EXCEEDED);
        assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).contains(messagePart).hasSizeLessThan(600));
        System.out.println("HOSTILE bytes=" + value.length + " rejectedInMicros=" + micros + " " + r.message().orElseThrow());
    }
}
