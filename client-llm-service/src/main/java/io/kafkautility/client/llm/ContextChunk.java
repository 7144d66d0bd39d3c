package io.kafkautility.client.llm;

/**
 * A retrieved chunk of a document given as context. Immutable.
 *
 * @param chunkId the chunk's id
 * @param documentId the document it comes from
 * @param text its text
 * @param score retrieval score; may be {@code null}
 */
public record ContextChunk(String chunkId, String documentId, String text, Double score) {
}
