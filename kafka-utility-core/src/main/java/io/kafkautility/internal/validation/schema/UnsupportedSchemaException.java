package io.kafkautility.internal.validation.schema;

/**
 * The schema uses something the compiler does not implement (a keyword, a format, an embedded {@code $id}, an anchor,
 * a pattern it cannot translate faithfully): the caller validates that schema another way. Says what and where.
 */
public final class UnsupportedSchemaException extends Exception {

    private final String feature;
    private final String location;

    UnsupportedSchemaException(String feature, String location) {
        super(feature + " at " + location);
        this.feature = feature;
        this.location = location;
    }

    /** @return what is not supported, e.g. {@code keyword patternProperties} */
    public String feature() {
        return feature;
    }

    /** @return the schema location, as {@code <document>#<pointer>} */
    public String location() {
        return location;
    }
}
