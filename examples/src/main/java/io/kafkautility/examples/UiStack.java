package io.kafkautility.examples;

import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.rag.TokenUsage;
import io.kafkautility.client.llm.UiReply;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The UI backend plus a deterministic LLM service that answers from a tiny document and publishes each answer on
 * {@code respostas} for the session that asked: what the UI example runs, and what its tests drive.
 */
public final class UiStack implements AutoCloseable {

    static final String DOCUMENT = "Kafka keeps every partition as an ordered, replicated log. "
            + "Consumers commit offsets after processing, so nothing acknowledged is lost.";

    private final KafkaClientPool pool;
    private final LlmServiceKafkaClient llm;
    private final LlmServer server;
    private final UiBackend backend;

    public UiStack(KafkaConnectionOptions connection, String schemaRegistryUrl, int port) throws Exception {
        this.pool = KafkaClientPool.builder().name("ui-stack").build();
        this.llm = LlmServiceKafkaClient.builder().connection(connection).pool(pool)
                .schemaRegistryUrl(schemaRegistryUrl).build();
        this.server = llm.serve((request, tokens) -> {
            String answer = "About \"" + request.prompt() + "\": " + request.context().stream()
                    .map(io.kafkautility.rag.ContextChunk::text).reduce("", (a, b) -> a + b + " ").trim();
            if (request.sessionId() != null) {
                llm.publishUiResponse(UiReply.success(request.sessionId(), request.queryId(), answer,
                        List.of(new io.kafkautility.rag.Source("doc-kafka", null, "Kafka notes", 1.0))))
                        .join();
            }
            return new LlmResponse(request.requestId(), request.queryId(), answer, List.of(),
                    TokenUsage.of(request.prompt().length() / 4, answer.length() / 4), "stop");
        });
        this.backend = new UiBackend(connection, pool, schemaRegistryUrl, port, "rag-ui-" + UUID.randomUUID(),
                question -> List.of(new ContextChunk("doc-kafka#0", "doc-kafka", DOCUMENT, 1.0)));
    }

    /** Completes when both the LLM service and the response consumer have their partitions. */
    public CompletableFuture<Void> ready() {
        return CompletableFuture.allOf(server.ready(), backend.ready());
    }

    public UiBackend backend() {
        return backend;
    }

    @Override
    public void close() throws Exception {
        try {
            backend.close();
        } finally {
            llm.close();
            pool.close();
        }
    }
}
