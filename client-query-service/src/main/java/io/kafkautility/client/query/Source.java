package io.kafkautility.client.query;

/**
 * A document an answer cites. Immutable.
 *
 * @param documentId the document
 * @param chunkId the chunk; may be {@code null}
 * @param title its title; may be {@code null}
 * @param score relevance; may be {@code null}
 */
public record Source(String documentId, String chunkId, String title, Double score) {
}
