package io.kafkautility.client.document;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A document was processed into chunks ({@code rag.document.processed}). Immutable.
 *
 * @param documentId the document's id (the Kafka key)
 * @param status the outcome
 * @param metadata free-form metadata (copied; at most 100 entries)
 * @param chunkCount how many chunks were produced
 * @param error why it failed; required when {@code status} is {@link DocumentStatus#FAILED}, else may be {@code null}
 * @param processedAt when processing finished; may be {@code null}
 * @param durationMs how long processing took; may be {@code null}
 */
public record DocumentProcessedEvent(String documentId, DocumentStatus status, Map<String, Object> metadata,
                                     int chunkCount, DocumentError error, Instant processedAt, Long durationMs) {

    public DocumentProcessedEvent {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(status, "status");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
