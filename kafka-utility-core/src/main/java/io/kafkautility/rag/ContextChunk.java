package io.kafkautility.rag;

import java.util.Objects;

/**
 * A retrieved chunk of a document, given to the LLM as context: what the query service sends and the LLM service
 * receives. Immutable.
 *
 * @param chunkId the chunk's id
 * @param documentId the document it comes from
 * @param text its text
 * @param score retrieval score; may be {@code null}
 */
public record ContextChunk(String chunkId, String documentId, String text, Double score) {
    public ContextChunk {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(text, "text");
    }
}
