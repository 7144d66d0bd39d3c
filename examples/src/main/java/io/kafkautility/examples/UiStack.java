package io.kafkautility.examples;

import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The UI backend plus a deterministic LLM service that answers from a tiny document, streaming the answer word by word
 * to {@code respostas} for the session that asked (the LLM client's UI replies), and stops when the user cancels:
 * what the UI example runs, and what its tests drive.
 */
public final class UiStack implements AutoCloseable {

    static final String DOCUMENT = "Kafka keeps every partition as an ordered, replicated log. "
            + "Consumers commit offsets after processing, so nothing acknowledged is lost.";

    private final KafkaClientPool pool;
    private final LlmServiceKafkaClient llm;
    private final LlmServer server;
    private final UiBackend backend;

    private final StandInLlm llmHandler;

    public UiStack(KafkaConnectionOptions connection, String schemaRegistryUrl, int port,
                   io.kafkautility.response.SessionKeys sessionKeys) throws Exception {
        this(connection, schemaRegistryUrl, port, java.time.Duration.ofMillis(40), sessionKeys);
    }

    /**
     * @param tokenTime   how long the stand-in LLM takes per word
     * @param sessionKeys the keys the backend signs session tokens with
     */
    public UiStack(KafkaConnectionOptions connection, String schemaRegistryUrl, int port,
                   java.time.Duration tokenTime, io.kafkautility.response.SessionKeys sessionKeys) throws Exception {
        this(connection, schemaRegistryUrl, port, tokenTime, b -> b.sessionKeys(sessionKeys));
    }

    /**
     * @param tokenTime how long the stand-in LLM takes per word
     * @param security  the chat endpoint's settings (keys, authenticator, origins, frame rate)
     */
    public UiStack(KafkaConnectionOptions connection, String schemaRegistryUrl, int port,
                   java.time.Duration tokenTime,
                   java.util.function.Consumer<io.kafkautility.response.SessionManagerOptions.Builder> security)
            throws Exception {
        this.pool = KafkaClientPool.builder().name("ui-stack").build();
        this.llm = LlmServiceKafkaClient.builder().connection(connection).pool(pool)
                .schemaRegistryUrl(schemaRegistryUrl).uiReplies(true).build();
        this.llmHandler = new StandInLlm(tokenTime);
        this.server = llm.serve(llmHandler);
        this.backend = new UiBackend(connection, pool, schemaRegistryUrl, port, "rag-ui-" + UUID.randomUUID(),
                question -> List.of(new ContextChunk("doc-kafka#0", "doc-kafka", DOCUMENT, 1.0)),
                io.kafkautility.response.ResponseConsumerOptions.DEFAULT_RESUME_WINDOW, security);
    }

    /** The stand-in LLM (when it stopped which answer). */
    public StandInLlm llmHandler() {
        return llmHandler;
    }

    /** The pool the LLM service and the backend share (its meters are in the backend's registry). */
    public KafkaClientPool pool() {
        return pool;
    }

    public LlmServiceKafkaClient llm() {
        return llm;
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
