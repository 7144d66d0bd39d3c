package io.kafkautility.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The classes of documents where the validator used to disagree with the specification (JSON Schema 2020-12, with
 * ECMA-262 for {@code pattern}, RFC 3339 for {@code date-time}, RFC 3986 for {@code uri-reference}, exact decimals for
 * numbers), fixed as cases against the library's own schemas, on the produce side and, where the number's spelling
 * matters, through the bytes a reader decodes.
 */
class SpecificationCasesTest {

    private final MessageValidator validator = MessageValidator.create();

    private List<String> keywords(ObjectNode data) {
        return validator.validate(MessageTypes.DOCUMENT_UPLOADED, data).stream()
                .map(e -> e.pointer() + " " + e.keyword()).toList();
    }

    private ObjectNode uploaded() {
        return TestData.json("{\"documentId\":\"doc-1\",\"fileName\":\"a.pdf\",\"contentType\":\"application/pdf\","
                + "\"sizeBytes\":10,\"uploadedAt\":\"2026-12-08T01:02:03Z\",\"storageUri\":\"s3://bucket/a.pdf\","
                + "\"checksumSha256\":\"" + "a".repeat(64) + "\"}");
    }

    // ---- pattern: in ECMA-262 a non-multiline $ matches only at the end of the input

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029"})
    void aLineTerminatorBeforeTheEndDoesNotSatisfyDollar(String terminator) {
        assertThat(keywords(uploaded().put("documentId", "doc-1" + terminator))).containsExactly("/documentId pattern");
        assertThat(keywords(uploaded().put("checksumSha256", "a".repeat(64) + terminator)))
                .containsExactly("/checksumSha256 pattern");
        ObjectNode query = TestData.querySubmitted().put("language", "pt-BR" + terminator);
        assertThat(validator.validate(MessageTypes.QUERY_SUBMITTED, query)).extracting(ValidationError::keyword)
                .containsExactly("pattern");
        assertThat(validator.validate(MessageTypes.QUERY_SUBMITTED, TestData.querySubmitted().put("language", "pt-BR")))
                .isEmpty();
    }

    @Test
    void dollarAndCaretInsideAClassAreLiterals() {
        assertThat(keywords(uploaded().put("contentType", "a$b/c^d"))).isEmpty();
    }

    // ---- date-time: RFC 3339 section 5.6, exactly

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-08T01:02:03Z ", "2026-12-08T01:02:03ZZ", "2026-12-08T01:02:03Z\n",
            "2026-12-08T01:02:03Zabc", "2026-12-08 01:02:03Z", "2026-12-08T01:02:03-03-57", "2026-12-08T01:02:03-0357",
            "2026-12-08T01:02:03+24:00", "2026-12-08T01:02:03+01:60", "1971-12-31T23:59:60Z", "1998-12-31T23:58:60Z",
            "2026-02-29T00:00:00Z", "2026-12-08T01:02:03.Z", "2026-12-08T01:02:03", "2026-12-08T25:02:03Z",
            "2026-12-08T01:02:03\u00a0Z", "+2026-12-08T01:02:03Z", "2026-12-08T01:02:03.123456789+01:00x"})
    void dateTimesOutsideRfc3339AreRefused(String time) {
        assertThat(keywords(uploaded().put("uploadedAt", time))).containsExactly("/uploadedAt format");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-08T01:02:03.1234567890123Z", "2026-12-08T01:02:03+23:59", "2026-12-08T01:02:03-19:00",
            "2026-12-08T01:02:03-00:00", "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00",
            "1999-01-01T00:59:60+01:00", "2016-12-31T23:59:60Z", "2028-02-29T00:00:00Z", "2026-12-08t01:02:03z"})
    void dateTimesRfc3339AllowsAreAccepted(String time) {
        assertThat(keywords(uploaded().put("uploadedAt", time))).isEmpty();
    }

    // ---- uri-reference: RFC 3986 section 4.1

    @ParameterizedTest
    @ValueSource(strings = {"http://h:80:80/", "http://::1/", "http://[fe80::1%25eth0]/", "http://[fe80::1%eth0]/",
            "/a[b]", "/a]b", "http://h/a b", "http://h/\u00e9", "1a:b", ":b", "http://h/%zz", "http://[::1/",
            "http://[1:2:3:4:5:6:7:8:9]/", "http://[v1.]/", "http://u@v@h/"})
    void uriReferencesOutsideRfc3986AreRefused(String uri) {
        assertThat(keywords(uploaded().put("storageUri", uri))).containsExactly("/storageUri format");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[v1.fe]/", "http://[::1]:8080/a?b#c", "http://[::ffff:1.2.3.4]/", "s3://bucket/a.pdf",
            "file:///tmp/x", "a/b:c", "?q", "#f", "", "//host", "mailto:a@b.c", "urn:isbn:0451450523", "http://h:/",
            "http://user:pw@h:1/p;x=1/%20?a=b/c?d#e/f?g", "./a:b"})
    void uriReferencesRfc3986AllowsAreAccepted(String uri) {
        assertThat(keywords(uploaded().put("storageUri", uri))).isEmpty();
    }

    // ---- numbers: exact decimals, as written on the wire

    private DecodeResult decodeWithChunkCount(String number) {
        return decodeWith("\"chunkCount\":37", "\"chunkCount\":" + number);
    }

    private DecodeResult decodeWith(String from, String to) {
        Envelope ok = TestData.processed();
        String json = new String(validator.codec().encode(ok), StandardCharsets.UTF_8);
        assertThat(json).contains(from);
        return validator.decode(json.replace(from, to).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "37.000", "1e400", "1E2", "100000000000000000000000000000000", "0.0", "-0"})
    void integralNumbersAreIntegersHoweverSpelled(String number) {
        DecodeResult r = decodeWithChunkCount(number);
        assertThat(r.isValid()).as(number + " " + r).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0000000000000001", "1e-400", "37.5", "4503599627370496.5"})
    void fractionsAreNotIntegersHoweverClose(String number) {
        DecodeResult r = decodeWithChunkCount(number);
        assertThat(r.errors()).as(number).extracting(e -> e.pointer() + " " + e.keyword()).containsExactly("/chunkCount type");
    }

    @Test
    void aNegativeNumberTooSmallForADoubleIsStillBelowZero() {
        assertThat(decodeWithChunkCount("-1e-400").errors()).extracting(e -> e.pointer() + " " + e.keyword())
                .containsExactlyInAnyOrder("/chunkCount type", "/chunkCount minimum");
        assertThat(decodeWithChunkCount("-0.0").isValid()).isTrue();
    }

    @Test
    void numbersADoubleSpellsTheSameAreStillDoubles() {
        DecodeResult r = decodeWith("\"chunkCount\":37", "\"chunkCount\":37,\"durationMs\":12.0");
        assertThat(r.isValid()).isTrue();
        assertThat(r.envelope().data().get("durationMs").isDouble()).isTrue();
    }

    // ---- the sender's and the reader's limits count the same unit

    @Test
    void aPropertyNameCountsUtf8BytesOnBothSides() {
        String tooLong = "\u6587".repeat(86); // 258 UTF-8 bytes, 86 UTF-16 units: over the default 256
        String fits = "\u6587".repeat(85); // 255 bytes
        ObjectNode rejected = TestData.documentProcessed();
        ((ObjectNode) rejected.get("metadata")).put(tooLong, "v");
        assertThatThrownBy(() -> validator.encodeValid(TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, rejected)))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.LIMITS_EXCEEDED));
        ObjectNode accepted = TestData.documentProcessed();
        ((ObjectNode) accepted.get("metadata")).put(fits, "v");
        Envelope e = TestData.envelope(MessageTypes.DOCUMENT_PROCESSED, accepted);
        byte[] value = validator.encodeValid(e);
        assertThat(validator.decode(value, Map.of()).isValid()).isTrue();
        // and the reader does reject the 86-character key the sender now refuses
        String json = new String(value, StandardCharsets.UTF_8).replace(fits, tooLong);
        assertThat(validator.decode(json.getBytes(StandardCharsets.UTF_8), Map.of()).reason())
                .hasValue(RejectReason.LIMITS_EXCEEDED);
    }
}
