package io.kafkautility.examples;

import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentStatus;
import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.rag.TokenUsage;
import io.kafkautility.client.llm.UiReply;
import io.kafkautility.client.query.AnswerChunk;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketConnection;
import io.kafkautility.response.WebSocketSessionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The RAG flow of the demo, hop by hop, on any cluster: a document is uploaded and processed, a user question goes
 * through the query service to a (deterministic, streaming) LLM service, the answer is published on {@code respostas}
 * and delivered by the response consumer to the WebSocket session that asked. Each hop is timed into a {@link Trace}.
 */
public final class RagFlow {

    /** The topics the flow uses. */
    public static final List<String> TOPICS = List.of("rag.documents", "rag.queries", "rag.llm.requests",
            "rag.llm.responses", "respostas", "rag.query.cancellations", "respostas.sessions");

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConnectionOptions connection;
    private final String schemaRegistryUrl;
    private final Consumer<String> out;

    /**
     * @param connection the cluster
     * @param schemaRegistryUrl a Confluent-compatible schema registry
     * @param out where each hop's trace line goes as it happens
     */
    public RagFlow(KafkaConnectionOptions connection, String schemaRegistryUrl, Consumer<String> out) {
        this.connection = connection;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.out = out;
    }

    /** Runs the flow once; throws if any hop fails or takes longer than 30 s. */
    public Trace run() throws Exception {
        Trace trace = new Trace(out);
        String documentId = "doc-" + UUID.randomUUID().toString().substring(0, 8);
        String sessionId = "session-" + UUID.randomUUID().toString().substring(0, 8);
        String questionId = "q-" + UUID.randomUUID().toString().substring(0, 8);
        String text = "Kafka keeps every partition as an ordered, replicated log. "
                + "Consumers commit offsets after processing, so nothing acknowledged is lost. "
                + "The idempotent producer removes duplicates caused by retries.";
        // The demo's stand-in for a vector store: filled when the document is processed.
        Map<String, List<ContextChunk>> index = new ConcurrentHashMap<>();

        try (KafkaClientPool pool = KafkaClientPool.builder().name("rag-demo").build();
             DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.builder()
                     .connection(connection).pool(pool).build();
             QueryServiceKafkaClient queries = QueryServiceKafkaClient.builder()
                     .connection(connection).pool(pool).build();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder()
                     .connection(connection).pool(pool).schemaRegistryUrl(schemaRegistryUrl).build();
             WebSocketSessionManager sessions = WebSocketSessionManager.create(SessionManagerOptions.defaults());
             KafkaResponseConsumer responses = KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                     .connection(connection)
                     .groupId("rag-demo-ui-" + UUID.randomUUID())
                     .schemaRegistry(SchemaRegistryOptions.builder(schemaRegistryUrl).build())
                     .build(), sessions)) {

            // 0. the LLM service and the UI backend come up
            LlmServer server = llm.serve((request, tokens) -> {
                String answer = answerFrom(request.prompt(), request.context());
                for (String word : answer.split("(?<= )")) {
                    tokens.emit(word);
                }
                List<io.kafkautility.rag.Source> sources = request.context().stream()
                        .map(c -> new io.kafkautility.rag.Source(c.documentId(), c.chunkId(), null, c.score()))
                        .distinct().toList();
                return new LlmResponse(request.requestId(), request.queryId(), answer, sources,
                        TokenUsage.of(request.prompt().length() / 4, answer.length() / 4), "stop");
            });
            responses.start();
            trace.step("services ready (LLM responder assigned, response consumer assigned)",
                    CompletableFuture.allOf(server.ready(), responses.ready()));

            // 1. a document is uploaded, then processed into chunks
            trace.step("document service -> rag.documents: rag.document.uploaded " + documentId,
                    documents.sendDocumentUploadedEvent(documentId, "kafka-notes.txt", "text/plain",
                            text.length()));
            List<ContextChunk> chunks = new ArrayList<>();
            String[] sentences = text.split("(?<=\\.) ");
            for (int i = 0; i < sentences.length; i++) {
                chunks.add(new ContextChunk(documentId + "#" + i, documentId, sentences[i], 1.0 - i * 0.1));
            }
            index.put(documentId, chunks);
            trace.step("document service -> rag.documents: rag.document.processed (" + chunks.size() + " chunks)",
                    documents.sendDocumentProcessedEvent(documentId, DocumentStatus.SUCCESS,
                            Map.of("chunkCount", chunks.size(), "language", "en")));

            // 2. the browser's WebSocket session asks a question; the UI backend admits it (one at a time)
            DemoConnection socket = new DemoConnection(sessionId);
            sessions.register(socket);
            String question = "How does Kafka avoid losing messages?";
            WebSocketSessionManager.Admission admission = sessions.beginQuestion(sessionId, questionId);
            if (admission != WebSocketSessionManager.Admission.ACCEPTED) {
                throw new IllegalStateException("question not admitted: " + admission);
            }
            trace.step("query service -> rag.queries: rag.query.submitted " + questionId,
                    queries.sendQueryEvent(questionId, question, "user-1", sessionId));

            // 3. the query service asks the LLM service; the answer streams back chunk by chunk
            LlmQuestion ask = LlmQuestion.of(questionId, sessionId, question, index.get(documentId));
            long askStart = System.nanoTime();
            StringBuilder answer = new StringBuilder();
            List<AnswerChunk> received = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> streamed = collect(queries.askStreaming(ask), chunk -> {
                if (received.isEmpty()) {
                    trace.note(String.format("%-8s LLM service -> query service's reply topic: first chunk",
                            Trace.ms(System.nanoTime() - askStart)));
                }
                received.add(chunk);
                answer.append(chunk.delta());
            });
            trace.step("query service -> rag.llm.requests -> LLM service -> reply topic: whole streamed answer",
                    streamed, askStart);
            AnswerChunk last = received.get(received.size() - 1);
            trace.note("  " + received.size() + " chunks, in order: " + inOrder(received) + ", finish reason "
                    + last.finishReason() + ", sources " + last.sources().size());

            // 4. the LLM service publishes the UI reply on respostas (Avro, Confluent wire format)
            List<io.kafkautility.rag.Source> uiSources = last.sources().stream()
                    .map(s -> new io.kafkautility.rag.Source(s.documentId(), s.chunkId(), s.title(), s.score()))
                    .toList();
            long publishStart = System.nanoTime();
            trace.step("LLM service -> respostas: Avro reply for " + sessionId + " (schema registered once)",
                    llm.publishUiResponse(UiReply.success(sessionId, questionId, answer.toString(), uiSources)));

            // 5. the response consumer routes it to the WebSocket session that asked
            trace.step("response consumer -> WebSocket " + sessionId + ": answer frame", socket.firstFrame);
            trace.note("  respostas publish to frame handed to the session: "
                    + Trace.ms(System.nanoTime() - publishStart));
            trace.note("  frame: " + abbreviate(socket.frames.get(0), 160));
            trace.frame = socket.frames.get(0);
            trace.answer = answer.toString();
            trace.chunks = received.size();
            server.close();
        }
        return trace;
    }

    static String answerFrom(String prompt, List<io.kafkautility.rag.ContextChunk> context) {
        StringBuilder sb = new StringBuilder("Based on the processed document: ");
        for (io.kafkautility.rag.ContextChunk c : context) {
            sb.append(c.text()).append(' ');
        }
        return sb.toString().trim();
    }

    private static boolean inOrder(List<AnswerChunk> chunks) {
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).sequence() != i) {
                return false;
            }
        }
        return chunks.get(chunks.size() - 1).last();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static <T> CompletableFuture<Void> collect(Flow.Publisher<T> publisher, Consumer<T> onItem) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                onItem.accept(item);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }

    /** An in-process WebSocket session (the UI example uses a real one). */
    private static final class DemoConnection implements WebSocketConnection {
        final String id;
        final List<String> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> firstFrame = new CompletableFuture<>();

        DemoConnection(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletionStage<Void> sendText(String text) {
            frames.add(text);
            firstFrame.complete(text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    /** The timed hops of one run. */
    public static final class Trace {
        private final Consumer<String> out;
        private final List<String> lines = new ArrayList<>();
        private final long start = System.nanoTime();
        private String frame;
        private String answer;
        private int chunks;

        Trace(Consumer<String> out) {
            this.out = out;
        }

        void step(String what, CompletableFuture<?> hop) throws Exception {
            step(what, hop, System.nanoTime());
        }

        void step(String what, CompletableFuture<?> hop, long startNanos) throws Exception {
            hop.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            note(String.format("%-8s %s", ms(System.nanoTime() - startNanos), what));
        }

        void note(String line) {
            lines.add(line);
            out.accept(line);
        }

        static String ms(long nanos) {
            return String.format("%.1f ms", nanos / 1e6);
        }

        /** Every trace line, in order. */
        public List<String> lines() {
            return List.copyOf(lines);
        }

        /** The frame the WebSocket session received. */
        public String frame() {
            return frame;
        }

        /** The streamed answer, assembled. */
        public String answer() {
            return answer;
        }

        /** How many chunks the answer streamed in. */
        public int chunks() {
            return chunks;
        }

        /** Time since the flow started. */
        public String elapsed() {
            return ms(System.nanoTime() - start);
        }
    }
}
