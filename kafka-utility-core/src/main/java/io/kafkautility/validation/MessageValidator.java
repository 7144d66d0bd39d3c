package io.kafkautility.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.internal.validation.DefaultMessageValidator;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageType;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates message data against the JSON Schema (draft 2020-12) of its exact type version, on both sides.
 *
 * <ul>
 *   <li>Produce: {@link #requireValid(Envelope)} throws {@link MessageValidationException} listing every violation;
 *       the producer then never sends the message.</li>
 *   <li>Consume: {@link #decode(byte[], Map)} parses (bounded by {@link JsonLimits}), checks the envelope, resolves the
 *       version and validates, returning a {@link DecodeResult} with a {@link RejectReason} instead of throwing.</li>
 * </ul>
 *
 * <p>Versions: a known version is validated strictly against its own schema. An unknown, newer minor of a known major
 * is validated against the newest known minor of that major, ignoring only unknown-property errors
 * ({@code additionalProperties} / {@code unevaluatedProperties}), so a compatible newer producer is read. An unknown
 * major is {@link RejectReason#UNSUPPORTED_VERSION}.
 *
 * <p>The specification is the authority: JSON Schema 2020-12, ECMA-262 for {@code pattern}, RFC 3339 for
 * {@code date-time}, RFC 3986 for {@code uri-reference}, numbers as exact decimals. Each schema is compiled by the
 * library's own compiler for the keyword subset its schemas use; a schema with any other keyword is validated by
 * networknt json-schema-validator instead (logged at INFO when the validator is created). On the produce side
 * {@link #encodeValid(Envelope)} checks the limits and the schema while it writes the data, in one walk.
 *
 * <p>Every schema of the catalog is loaded from the classpath and compiled once, when the validator is created, and
 * cached; a {@code $ref} that does not resolve to the classpath (e.g. a remote {@code https://} document) makes
 * creation fail; no network fetch is ever made. Thread-safe; create one per application and share it (each instance
 * owns its own {@code ObjectMapper} and compiled schemas). Holds no threads or sockets; nothing to close.
 */
public interface MessageValidator {

    /**
     * @return a validator of {@link MessageCatalog#standard()} with {@link JsonLimits#defaults()}
     * @throws IllegalStateException if a schema is missing, malformed or has a non-classpath {@code $ref}
     */
    static MessageValidator create() {
        return create(MessageCatalog.standard(), JsonLimits.defaults());
    }

    /**
     * @param catalog the types this service knows
     * @return a validator with {@link JsonLimits#defaults()}
     * @throws IllegalStateException if a schema is missing, malformed or has a non-classpath {@code $ref}
     */
    static MessageValidator create(MessageCatalog catalog) {
        return create(catalog, JsonLimits.defaults());
    }

    /**
     * @param catalog the types this service knows
     * @param limits  parsing limits for {@link #decode(byte[], Map)}
     * @return a validator
     * @throws IllegalStateException if a schema is missing, malformed or has a non-classpath {@code $ref}
     */
    static MessageValidator create(MessageCatalog catalog, JsonLimits limits) {
        return new DefaultMessageValidator(Objects.requireNonNull(catalog, "catalog"),
                Objects.requireNonNull(limits, "limits"), MessageValidator.class.getClassLoader());
    }

    /** @return the catalog of types this validator knows */
    MessageCatalog catalog();

    /** @return the codec (same limits) this validator decodes with; producers may use it to encode */
    EnvelopeCodec codec();

    /**
     * Validates data against the schema of exactly this version.
     *
     * @param type a version known to the catalog
     * @param data the payload
     * @return every violation; empty if valid
     * @throws MessageValidationException with {@code UNKNOWN_TYPE} or {@code UNSUPPORTED_VERSION} if the version is
     *                                    unknown, or {@code LIMITS_EXCEEDED} if the data exceeds {@link JsonLimits}
     */
    List<ValidationError> validate(MessageType type, JsonNode data);

    /**
     * Produce-side check: the envelope names a known type and version (via {@code dataschema}) and its data is valid.
     *
     * @param envelope the envelope about to be sent
     * @throws MessageValidationException listing every violation ({@code SCHEMA_VIOLATION}), or {@code UNKNOWN_TYPE},
     *                                    {@code UNSUPPORTED_VERSION}, {@code INVALID_ENVELOPE}, or {@code LIMITS_EXCEEDED}
     *                                    when the data is nested deeper or has longer strings, numbers or property
     *                                    names than {@link JsonLimits} allows a reader
     */
    void requireValid(Envelope envelope);

    /**
     * Produce-side entry point: {@link #requireValid(Envelope)}, then encodes the envelope and checks that the record
     * value fits {@link JsonLimits#maxDocumentBytes()}, so nothing is sent that a reader with the same limits rejects.
     *
     * @param envelope the envelope about to be sent
     * @return the record value (structured-mode CloudEvents JSON); put {@link EnvelopeCodec#headers(Envelope)} on the record
     * @throws MessageValidationException as {@link #requireValid(Envelope)}, or {@code LIMITS_EXCEEDED}
     */
    byte[] encodeValid(Envelope envelope);

    /**
     * Consume-side entry point: parses a record value (structured CloudEvents JSON, or binary mode when the headers
     * carry {@code ce_specversion}), checks the envelope and validates the data. Never throws for bad input.
     *
     * @param value   the record value; {@code null} or empty is rejected as {@code INVALID_JSON}
     * @param headers the record headers as text, see {@link EnvelopeCodec#headerMap}; may be empty
     * @return the valid envelope or the rejection
     */
    DecodeResult decode(byte[] value, Map<String, String> headers);
}
