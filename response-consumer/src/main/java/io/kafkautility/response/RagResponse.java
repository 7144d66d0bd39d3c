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
 * @param kind       {@link Kind#FINAL} for a whole answer, {@link Kind#DELTA} for one piece of a streamed one
 * @param seq        position in the question's stream (deltas 0, 1, ...; the final one next; 0 when not streamed)
 * @param delta      the text a delta adds (empty on a final reply)
 */
public record RagResponse(String sessionId, String questionId, String answer, List<Source> sources, Status status,
                          String error, Instant timestamp, Kind kind, int seq, String delta) {

    /** Outcome reported by the RAG system. */
    public enum Status { SUCCESS, ERROR }

    /** Whether a reply is the whole answer or one piece of a streamed one. */
    public enum Kind { FINAL, DELTA }

    /** A whole (final, not streamed) answer. */
    public RagResponse(String sessionId, String questionId, String answer, List<Source> sources, Status status,
                       String error, Instant timestamp) {
        this(sessionId, questionId, answer, sources, status, error, timestamp, Kind.FINAL, 0, "");
    }

    /** One piece of a streamed answer: the {@code seq}-th delta of question {@code questionId}. */
    public static RagResponse delta(String sessionId, String questionId, int seq, String text, Instant timestamp) {
        return new RagResponse(sessionId, questionId, "", List.of(), Status.SUCCESS, null, timestamp, Kind.DELTA,
                seq, text);
    }

    /** Whether this is one piece of a streamed answer. */
    public boolean isDelta() {
        return kind == Kind.DELTA;
    }

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
        kind = kind == null ? Kind.FINAL : kind;
        delta = delta == null ? "" : delta;
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0 but was " + seq);
        }
    }
}
