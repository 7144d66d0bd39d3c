package io.kafkautility.client.llm;

import io.kafkautility.rag.Source;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The reply to one UI question, published on {@code respostas} as Confluent-framed Avro
 * ({@code avro/rag-response.avsc}). Immutable.
 *
 * @param sessionId the WebSocket session that asked (the Kafka key)
 * @param questionId the question it answers
 * @param answer the answer; empty on error
 * @param sources cited documents (copied)
 * @param status {@link Status#SUCCESS} or {@link Status#ERROR}
 * @param error what went wrong when {@code status} is ERROR; {@code null} otherwise
 * @param timestamp when it was produced
 */
public record UiReply(String sessionId, String questionId, String answer, List<Source> sources, Status status,
                      String error, Instant timestamp) {

    /** Outcome of a question. */
    public enum Status {
        /** Answered. */
        SUCCESS,
        /** Not answered; see {@link UiReply#error()}. */
        ERROR
    }

    public UiReply {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
        answer = answer == null ? "" : answer;
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** A successful reply produced now. */
    public static UiReply success(String sessionId, String questionId, String answer, List<Source> sources) {
        return new UiReply(sessionId, questionId, answer, sources, Status.SUCCESS, null, Instant.now());
    }

    /** An error reply produced now. */
    public static UiReply error(String sessionId, String questionId, String error) {
        return new UiReply(sessionId, questionId, "", List.of(), Status.ERROR, error, Instant.now());
    }
}
