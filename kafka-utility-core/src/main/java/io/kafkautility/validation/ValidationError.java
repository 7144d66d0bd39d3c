package io.kafkautility.validation;

import java.util.Objects;

/**
 * One schema violation: where (a JSON Pointer into the data, {@code ""} for the root), which schema keyword failed,
 * and a message that names the rule, never the offending value.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValidationError {

    private static final int MAX_MESSAGE = 300;

    private final String pointer;
    private final String keyword;
    private final String message;

    private ValidationError(String pointer, String keyword, String message) {
        this.pointer = pointer;
        this.keyword = keyword;
        this.message = message;
    }

    /**
     * @param pointer JSON Pointer (RFC 6901) of the failing value in the data, {@code ""} for the root
     * @param keyword the failing schema keyword, e.g. {@code required}, {@code type}, {@code enum}
     * @param message human-readable message; truncated to 300 characters
     * @return the error
     */
    public static ValidationError of(String pointer, String keyword, String message) {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(message, "message");
        return new ValidationError(pointer, keyword,
                message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...");
    }

    /** @return JSON Pointer of the failing value, {@code ""} for the root of the data */
    public String pointer() {
        return pointer;
    }

    /** @return the failing schema keyword */
    public String keyword() {
        return keyword;
    }

    /** @return the message */
    public String message() {
        return message;
    }

    /** @return {@code <pointer> [<keyword>] <message>} */
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "/" : pointer) + " [" + keyword + "] " + message;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ValidationError)) {
            return false;
        }
        ValidationError e = (ValidationError) o;
        return pointer.equals(e.pointer) && keyword.equals(e.keyword) && message.equals(e.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pointer, keyword, message);
    }
}
