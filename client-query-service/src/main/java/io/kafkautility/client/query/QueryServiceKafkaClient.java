package io.kafkautility.client.query;

import io.kafkautility.client.query.internal.DefaultQueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The query service's Kafka client: publishes query events and asks the LLM service for answers over
 * request-reply, whole or streamed.
 *
 * <p>Query events go to {@code rag.queries} keyed by session id. {@link #ask} sends a {@code rag.llm.request} to
 * {@code rag.llm.requests} and completes with the {@code rag.llm.response}; {@link #askStreaming} publishes the
 * {@code rag.llm.response.chunk}s in order (re-ordered and de-duplicated by sequence number). Every message is
 * enveloped and validated; futures always complete: exceptionally with a
 * {@link io.kafkautility.validation.MessageValidationException}, a
 * {@link io.kafkautility.requestreply.RequestTimeoutException}, a
 * {@link io.kafkautility.requestreply.RemoteReplyException} (the LLM service's handler failed) or a
 * {@link io.kafkautility.requestreply.RequestReplyClosedException} (closed while pending).
 *
 * <p>Thread-safe; one per process. The reply consumer (a reply topic of its own) starts on the first
 * {@code ask}. {@link #close()} fails pending requests and releases the producer.
 */
public interface QueryServiceKafkaClient extends AutoCloseable {

    /** Default source attribute of the events ({@code query-service}). */
    String DEFAULT_SOURCE = "query-service";

    /** Default time to wait for an answer (60 s). */
    Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(60);

    /** A client configured from the environment and {@code .env}. */
    static QueryServiceKafkaClient fromEnvironment() {
        return builder().connection(KafkaConnectionOptions.fromEnvironment().build()).build();
    }

    /** A builder; {@link Builder#connection} is required. */
    static Builder builder() {
        return new Builder();
    }

    /** Publishes {@code rag.query.submitted}. */
    CompletableFuture<SendResult> sendQueryEvent(QueryEvent event);

    /** Publishes {@code rag.query.submitted} for a question asked now in session {@code sessionId}. */
    default CompletableFuture<SendResult> sendQueryEvent(String queryId, String query, String userId,
                                                         String sessionId) {
        return sendQueryEvent(new QueryEvent(queryId, query, userId, sessionId, null, Instant.now()));
    }

    /**
     * Publishes {@code rag.query.submitted} for a question asked now outside any UI session (the query id is used
     * as the session id, so the event is keyed by query).
     */
    default CompletableFuture<SendResult> sendQueryEvent(String queryId, String query, String userId) {
        return sendQueryEvent(queryId, query, userId, queryId);
    }

    /** Asks the LLM service and completes with its whole answer, within {@link Builder#answerTimeout}. */
    CompletableFuture<LlmAnswer> ask(LlmQuestion question);

    /** Asks the LLM service and completes with its whole answer within {@code timeout}. */
    CompletableFuture<LlmAnswer> ask(LlmQuestion question, Duration timeout);

    /**
     * Asks the LLM service for a streamed answer: the publisher emits the chunks in sequence order and completes after
     * the last one, or fails (idle timeout between chunks, overall timeout, remote error). One subscriber.
     */
    Flow.Publisher<AnswerChunk> askStreaming(LlmQuestion question);

    /**
     * Publishes {@code rag.query.cancelled} on {@code rag.query.cancellations}: the user stopped the answer to
     * {@code queryId} ("stop generating"). Every LLM service instance reads it; the one generating that answer sees the
     * cancellation and stops, and publishes nothing more of it. Any instance may send it (not only the one that
     * asked).
     *
     * @param sessionId the UI session, or null
     */
    CompletableFuture<SendResult> cancel(String queryId, String sessionId);

    /** Fails pending requests with a closed exception and releases the producer and reply consumer. Idempotent. */
    @Override
    void close();

    /**
     * The health of its request-reply client (pending requests, reply consumer positioned or reconnecting, recent
     * failures; see {@code RequestReplyClient.health()}), UP before the first {@code ask}. No I/O; thread-safe.
     */
    io.kafkautility.health.Health health();

    /** Builds a {@link QueryServiceKafkaClient}. Not thread-safe. */
    final class Builder {
        private KafkaConnectionOptions connection;
        private KafkaClientPool pool;
        private String source = DEFAULT_SOURCE;
        private String queryTopic;
        private String requestTopic;
        private Duration answerTimeout = DEFAULT_ANSWER_TIMEOUT;

        private Builder() {
        }

        /** The cluster connection (required). */
        public Builder connection(KafkaConnectionOptions connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** A pool shared with the process's other clients; by default the client owns a private one. */
        public Builder pool(KafkaClientPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** The CloudEvents {@code source}; {@value #DEFAULT_SOURCE} by default. */
        public Builder source(String source) {
            this.source = requireText("source", source);
            return this;
        }

        /** Topic of query events; the catalog's {@code rag.queries} by default. */
        public Builder queryTopic(String topic) {
            this.queryTopic = requireText("queryTopic", topic);
            return this;
        }

        /** Topic the LLM service reads requests from; the catalog's {@code rag.llm.requests} by default. */
        public Builder requestTopic(String topic) {
            this.requestTopic = requireText("requestTopic", topic);
            return this;
        }

        /** How long {@link #ask(LlmQuestion)} waits; {@link #DEFAULT_ANSWER_TIMEOUT} by default; must be > 0. */
        public Builder answerTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("answerTimeout must be > 0 but was " + timeout);
            }
            this.answerTimeout = timeout;
            return this;
        }

        /** Builds the client. */
        public QueryServiceKafkaClient build() {
            if (connection == null) {
                throw new IllegalStateException("connection is required");
            }
            return new DefaultQueryServiceKafkaClient(connection, pool, source, queryTopic, requestTopic,
                    answerTimeout);
        }

        private static String requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
            }
            return value;
        }
    }
}
