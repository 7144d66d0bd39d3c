package io.kafkautility.avro;

import io.kafkautility.KafkaUtilityException;

/**
 * A record value could not be decoded as Confluent-framed Avro. {@link #reason()} says why (and is the metric tag);
 * only {@link Reason#REGISTRY_UNAVAILABLE} is retriable. The message never contains the payload.
 */
public class AvroDecodingException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    /** Why a record could not be decoded. */
    public enum Reason {
        /** The record has no value (a tombstone). */
        NULL_VALUE("null_value"),
        /** The value has zero bytes. */
        EMPTY("empty"),
        /** The first byte is not the Confluent magic byte 0. */
        WRONG_MAGIC_BYTE("wrong_magic_byte"),
        /** The value ends before the 5-byte header or before the Avro datum is complete. */
        TRUNCATED("truncated"),
        /** The registry does not know the schema id. */
        UNKNOWN_SCHEMA_ID("unknown_schema_id"),
        /** The registry could not be asked (unreachable, timeout, 5xx); the only retriable reason. */
        REGISTRY_UNAVAILABLE("registry_unavailable"),
        /** The bytes are not a valid datum of the writer schema, or the registry refused the lookup (e.g. 401). */
        UNDECODABLE("undecodable"),
        /** The writer schema cannot be read as what the application needs (a required field missing, a field of a
         *  type that cannot be converted, a reader schema it does not resolve to). Decided once per schema id: every
         *  record written with that schema is rejected the same way. */
        INCOMPATIBLE_SCHEMA("incompatible_schema"),
        /** The datum decoded, but one of its fields holds a value the application cannot take (a null where a value
         *  is required, an unknown enum symbol); the message names the field. */
        INVALID_FIELD("invalid_field");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        /** Lowercase name used as metric tag and in log lines. */
        public String tag() {
            return tag;
        }
    }

    private final Reason reason;
    private final int schemaId;

    public AvroDecodingException(Reason reason, int schemaId, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.schemaId = schemaId;
    }

    /** Why decoding failed. */
    public Reason reason() {
        return reason;
    }

    /** The schema id from the record's header, or -1 when the header was missing or invalid. */
    public int schemaId() {
        return schemaId;
    }

    @Override
    public boolean isRetriable() {
        return reason == Reason.REGISTRY_UNAVAILABLE;
    }
}
