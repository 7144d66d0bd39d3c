package io.kafkautility.client.document;

import java.time.Instant;
import java.util.Objects;

/**
 * A document was deleted ({@code rag.document.deleted}). Immutable.
 *
 * @param documentId the document's id (the Kafka key)
 * @param deletedAt when it was deleted
 * @param deletedBy who deleted it; may be {@code null}
 * @param reason why; may be {@code null}
 */
public record DocumentDeletedEvent(String documentId, Instant deletedAt, String deletedBy, String reason) {

    public DocumentDeletedEvent {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(deletedAt, "deletedAt");
    }
}
