package io.kafkautility.rag;

import java.util.Objects;

/**
 * A document an answer cites: what the LLM service answers with and the query service reads. Immutable.
 *
 * @param documentId the document
 * @param chunkId the chunk; may be {@code null}
 * @param title its title; may be {@code null}
 * @param score relevance; may be {@code null}
 */
public record Source(String documentId, String chunkId, String title, Double score) {
    public Source {
        Objects.requireNonNull(documentId, "documentId");
    }
}
