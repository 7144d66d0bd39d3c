package io.kafkautility.avro;

/**
 * The registry does not know the schema id (HTTP 404 / error code 40403). Not retriable; clients cache this answer for
 * a bounded time ({@link SchemaRegistryOptions#negativeCacheTtl()}).
 */
public class UnknownSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public UnknownSchemaException(int schemaId, String message) {
        super(message, 404, false, null);
        this.schemaId = schemaId;
    }

    /** The schema id that was asked for. */
    public int schemaId() {
        return schemaId;
    }
}
