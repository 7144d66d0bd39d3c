package io.kafkautility.client.query;

import java.time.Instant;
import java.util.Objects;

/**
 * A user submitted a question ({@code rag.query.submitted}). Immutable.
 *
 * @param queryId the query's id
 * @param query the question text
 * @param userId who asked
 * @param sessionId the UI session it was asked in (the Kafka key: one session's queries stay in order)
 * @param topK how many chunks retrieval should return (1..100); {@code null} for the service's default
 * @param submittedAt when it was asked; may be {@code null}
 */
public record QueryEvent(String queryId, String query, String userId, String sessionId, Integer topK,
                         Instant submittedAt) {

    public QueryEvent {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
