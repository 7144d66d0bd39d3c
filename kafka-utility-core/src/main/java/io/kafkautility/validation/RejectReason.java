package io.kafkautility.validation;

/**
 * Why a message was rejected, on produce or on consume. The consumer's dead-letter path writes {@link #name()} into the
 * {@link io.kafkautility.MessageHeaders#DLT_REASON} header. None of these is retriable: the same bytes fail the same way.
 */
public enum RejectReason {
    /** The value is empty, not UTF-8 JSON, has duplicate keys or trailing content. */
    INVALID_JSON,
    /** The JSON exceeds a {@link io.kafkautility.message.JsonLimits} limit (size, depth, string, number, name or token count). */
    LIMITS_EXCEEDED,
    /** The record's {@code content-type} is neither structured nor binary-mode CloudEvents JSON. */
    UNSUPPORTED_CONTENT_TYPE,
    /** The JSON is not a valid CloudEvents 1.0 envelope of ours (missing or bad attribute, headers contradicting the body). */
    INVALID_ENVELOPE,
    /** The {@code type} is not in the reader's {@link io.kafkautility.message.MessageCatalog}. */
    UNKNOWN_TYPE,
    /** The type is known but the {@code dataschema} names a major version (or an unparseable version) the reader does not know. */
    UNSUPPORTED_VERSION,
    /** The data does not satisfy its JSON Schema; {@link MessageValidationException#errors()} lists every violation. */
    SCHEMA_VIOLATION
}
