package io.kafkautility.client.query.internal;

import io.kafkautility.client.query.AnswerChunk;
import io.kafkautility.client.query.LlmAnswer;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryEvent;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.client.MappingPublisher;
import io.kafkautility.client.TypedPublisher;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The {@link QueryServiceKafkaClient} on top of core's producer and request-reply client. */
public final class DefaultQueryServiceKafkaClient implements QueryServiceKafkaClient {

    private final KafkaConnectionOptions connection;
    private final TypedPublisher publisher;
    private final String queryTopic;
    private final String requestTopic;
    private final Duration answerTimeout;
    private RequestReplyClient<Envelope, Envelope> requestReply;
    private boolean closed;

    public DefaultQueryServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool, String source,
                                          String queryTopic, String requestTopic, Duration answerTimeout) {
        this.connection = connection;
        this.publisher = new TypedPublisher(connection, pool, source);
        this.queryTopic = queryTopic != null ? queryTopic : publisher.topicOf(MessageTypes.QUERY_SUBMITTED.name());
        this.requestTopic = requestTopic != null ? requestTopic : publisher.topicOf(MessageTypes.LLM_REQUEST.name());
        this.answerTimeout = answerTimeout;
    }

    @Override
    public CompletableFuture<SendResult> sendQueryEvent(QueryEvent event) {
        return publisher.publish(queryTopic, MessageTypes.QUERY_SUBMITTED.name(), event);
    }

    @Override
    public CompletableFuture<LlmAnswer> ask(LlmQuestion question) {
        return ask(question, answerTimeout);
    }

    @Override
    public CompletableFuture<LlmAnswer> ask(LlmQuestion question, Duration timeout) {
        try {
            Envelope request = request(question, false);
            return requestReply().request(request, timeout)
                    .thenApply(reply -> publisher.read(reply, MessageTypes.LLM_RESPONSE.name(), LlmAnswer.class));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Flow.Publisher<AnswerChunk> askStreaming(LlmQuestion question) {
        try {
            Envelope request = request(question, true);
            return new MappingPublisher<>(requestReply().requestStream(request),
                    chunk -> publisher.read(chunk, MessageTypes.LLM_RESPONSE_CHUNK.name(), AnswerChunk.class));
        } catch (RuntimeException e) {
            return MappingPublisher.failed(e);
        }
    }

    @Override
    public CompletableFuture<SendResult> cancel(String queryId, String sessionId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queryId", queryId);
        if (sessionId != null) {
            data.put("sessionId", sessionId);
        }
        data.put("cancelledAt", java.time.Instant.now().toString());
        try {
            return publisher.publish(publisher.topicOf(MessageTypes.QUERY_CANCELLED.name()),
                    MessageTypes.QUERY_CANCELLED.name(), data);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Envelope request(LlmQuestion question, boolean stream) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", question.requestId());
        data.put("queryId", question.queryId());
        if (question.sessionId() != null) {
            data.put("sessionId", question.sessionId());
        }
        data.put("prompt", question.prompt());
        data.put("context", question.context());
        data.put("stream", stream);
        return publisher.envelope(MessageTypes.LLM_REQUEST.name(), data, question.queryId());
    }

    private synchronized RequestReplyClient<Envelope, Envelope> requestReply() {
        if (closed) {
            throw new io.kafkautility.KafkaUtilityException("query client is closed");
        }
        if (requestReply == null) {
            PayloadCodec<Envelope> codec = PayloadCodec.validatedEnvelopes(publisher.pool().validator());
            requestReply = RequestReplyClient.create(RequestReplyOptions.builder(requestTopic, codec, codec)
                    .connection(connection)
                    .defaultTimeout(answerTimeout)
                    .clientName(publisher.source())
                    .tracing(publisher.pool().tracing())
                    .metrics(publisher.pool().metrics()) // in every registry the application bound the pool to
                    .build());
        }
        return requestReply;
    }

    @Override
    public io.kafkautility.health.Health health() {
        RequestReplyClient<Envelope, Envelope> rr;
        synchronized (this) {
            if (closed) {
                return io.kafkautility.health.Health.of("query-client", io.kafkautility.health.HealthStatus.DOWN,
                        java.util.List.of("closed"), java.util.Map.of());
            }
            rr = requestReply;
        }
        if (rr == null) {
            return io.kafkautility.health.Health.of("query-client", io.kafkautility.health.HealthStatus.UP,
                    java.util.List.of(), java.util.Map.of("requestReply", "not started (no question asked yet)"));
        }
        io.kafkautility.health.Health h = rr.health();
        return io.kafkautility.health.Health.of("query-client", h.status(), h.reasons(), h.details());
    }

    @Override
    public void close() {
        RequestReplyClient<Envelope, Envelope> rr;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            rr = requestReply;
        }
        try {
            if (rr != null) {
                rr.close();
            }
        } finally {
            publisher.close();
        }
    }
}
