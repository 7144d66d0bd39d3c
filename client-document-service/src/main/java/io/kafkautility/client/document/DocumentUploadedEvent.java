package io.kafkautility.client.document;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A document was uploaded and stored ({@code rag.document.uploaded}). Immutable.
 *
 * @param documentId the document's id (the Kafka key)
 * @param fileName the original file name
 * @param contentType its media type, e.g. {@code application/pdf}
 * @param sizeBytes its size
 * @param storageUri where it is stored; may be {@code null}
 * @param uploadedBy who uploaded it; may be {@code null}
 * @param uploadedAt when it was uploaded
 * @param metadata free-form metadata (copied); empty when none
 */
public record DocumentUploadedEvent(String documentId, String fileName, String contentType, long sizeBytes,
                                    String storageUri, String uploadedBy, Instant uploadedAt,
                                    Map<String, Object> metadata) {

    public DocumentUploadedEvent {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The minimal event: uploaded now, no storage location, uploader or metadata. */
    public static DocumentUploadedEvent of(String documentId, String fileName, String contentType, long sizeBytes) {
        return new DocumentUploadedEvent(documentId, fileName, contentType, sizeBytes, null, null, Instant.now(),
                Map.of());
    }
}
