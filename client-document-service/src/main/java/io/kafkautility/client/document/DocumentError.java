package io.kafkautility.client.document;

import java.util.Objects;

/**
 * Why processing a document failed.
 *
 * @param code a short machine-readable code, e.g. {@code PARSE_ERROR}
 * @param message a human-readable message (never a secret or the document's content)
 * @param retriable whether processing may succeed if tried again; {@code null} when unknown
 */
public record DocumentError(String code, String message, Boolean retriable) {

    public DocumentError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
