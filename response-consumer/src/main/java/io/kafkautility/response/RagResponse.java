package io.kafkautility.response;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The RAG system's reply to one UI question, as read from {@code respostas} (Avro schema
 * {@code io.kafkautility.rag.RagResponse} in kafka-utility-schemas, {@code avro/rag-response.avsc}).
 *
 * @param sessionId  the WebSocket session that asked
 * @param questionId the question this answers
 * @param answer     the answer text (empty on error)
 * @param sources    documents the answer is based on (copied, unmodifiable)
 * @param status     success or error
 * @param error      what went wrong, or null
 * @param timestamp  when the reply was produced
 */
public record RagResponse(String sessionId, String questionId, String answer, List<Source> sources, Status status,
                          String error, Instant timestamp) {

    /** Outcome reported by the RAG system. */
    public enum Status { SUCCESS, ERROR }

    /**
     * One source document of an answer.
     *
     * @param documentId the document's id
     * @param title      its title, or null
     * @param score      relevance score, or null
     */
    public record Source(String documentId, String title, Double score) {
        public Source {
            Objects.requireNonNull(documentId, "documentId");
        }
    }

    public RagResponse {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(questionId, "questionId");
        answer = answer == null ? "" : answer;
        sources = sources == null ? List.of() : List.copyOf(sources);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
