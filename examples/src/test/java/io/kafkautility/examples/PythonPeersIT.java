package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentStatus;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.client.query.AnswerChunk;
import io.kafkautility.client.query.LlmAnswer;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.requestreply.RemoteReplyException;
import io.kafkautility.response.SessionKeys;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The request-reply protocol proven from Python: peers written from PROTOCOL.md alone
 * ({@code src/test/resources/python/kafka_utility_peer.py}, confluent-kafka-python) against the Java clients on a real
 * broker. A Python LLM service answers {@code QueryServiceKafkaClient.ask} and {@code askStreaming} (and its error
 * reply becomes a {@link RemoteReplyException} with its code and id); a Python requester gets the Java LLM service's
 * streamed answer, and nothing for a request past its deadline; a Python producer's hostile requests are dead-lettered
 * and a Python consumer reads the reasons; and a mixed RAG flow runs end to end: Java document and query services, the
 * Python LLM service, the Java chat backend and a page.
 */
@KafkaTest
class PythonPeersIT {

    private static final List<ContextChunk> CONTEXT = List.of(new ContextChunk("doc-kafka#0", "doc-kafka",
            UiStack.DOCUMENT, 1.0));

    private static String topic(KafkaCluster cluster, String name) throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.createTopics(new NewTopic(topic, 2, (short) 1), new NewTopic(topic + ".DLT", 1, (short) 1));
        return topic;
    }

    private static KafkaConnectionOptions connection(KafkaCluster cluster) {
        return KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build();
    }

    @Test
    void aPythonLlmServiceAnswersTheJavaQueryClientSingleStreamedAndWithAnErrorReply(KafkaCluster cluster)
            throws Exception {
        String requests = topic(cluster, "py-llm-requests");
        try (PythonPeer llm = PythonPeer.start("responder", cluster.bootstrapServers(), requests, "3");
             KafkaClientPool pool = KafkaClientPool.builder().name("py-interop").build();
             QueryServiceKafkaClient queries = QueryServiceKafkaClient.builder().connection(connection(cluster))
                     .pool(pool).requestTopic(requests).answerTimeout(Duration.ofSeconds(30)).build()) {
            llm.awaitLine("READY", Duration.ofSeconds(60));
            LlmAnswer answer = queries.ask(LlmQuestion.of("q-py-single", null, "What is a log?", CONTEXT))
                    .get(60, TimeUnit.SECONDS);
            assertThat(answer.answer()).isEqualTo("Python says: What is a log?");
            assertThat(answer.finishReason()).isEqualTo("stop");
            assertThat(answer.sources()).extracting(s -> s.documentId()).containsExactly("doc-python");

            List<AnswerChunk> chunks = new CopyOnWriteArrayList<>();
            TypedClientsIT.collect(queries.askStreaming(LlmQuestion.of("q-py-stream", null,
                    "How are offsets committed?", CONTEXT)), chunks::add).get(60, TimeUnit.SECONDS);
            assertThat(chunks).extracting(AnswerChunk::sequence).as("every chunk, in order")
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(chunks.get(chunks.size() - 1).last()).as("the final marker ends the stream").isTrue();
            assertThat(chunks.stream().map(AnswerChunk::delta).collect(Collectors.joining()))
                    .isEqualTo("Python says: How are offsets committed?");

            try {
                queries.ask(LlmQuestion.of("q-py-fail", null, "please fail", CONTEXT)).join();
                throw new AssertionError("the Python error reply completed the answer");
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(RemoteReplyException.class);
                RemoteReplyException remote = (RemoteReplyException) e.getCause();
                assertThat(remote.errorCode()).isEqualTo("MODEL_OVERLOADED");
                assertThat(remote.remoteMessage()).isEqualTo("the model is overloaded, try again later");
                assertThat(llm.awaitLine("ERROR_REPLY", Duration.ofSeconds(5))).endsWith(remote.errorId());
            }
            llm.awaitSuccess(Duration.ofSeconds(60));
            System.out.printf("PYTHON LLM: a single answer, %d streamed chunks in order ending with the final marker, "
                    + "an error reply as RemoteReplyException(MODEL_OVERLOADED, error id)%n", chunks.size());
        }
    }

    @Test
    void aPythonRequesterGetsTheJavaLlmServicesStreamedAnswerAndNothingPastItsDeadline(KafkaCluster cluster)
            throws Exception {
        String requests = topic(cluster, "py-requester");
        StandInLlm model = new StandInLlm(Duration.ofMillis(5));
        try (KafkaClientPool pool = KafkaClientPool.builder().name("py-requester").build();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection(cluster)).pool(pool)
                     .requestTopic(requests).groupId("java-llm-" + requests).build()) {
            LlmServer server = llm.serve(model);
            server.ready().get(60, TimeUnit.SECONDS);
            try (PythonPeer requester = PythonPeer.start("requester", cluster.bootstrapServers(), requests)) {
                requester.awaitSuccess(Duration.ofSeconds(90));
                String expected = StandInLlm.answer("How are logs kept?", List.of(new ContextChunk("doc-py#0",
                        "doc-py", "Kafka keeps ordered, replicated logs.", 1.0)));
                int words = expected.split("(?<= )").length;
                assertThat(requester.find("CHUNKS ")).isEqualTo("CHUNKS " + (words + 1));
                assertThat(requester.find("ORDERED ")).isEqualTo("ORDERED True");
                assertThat(requester.find("FINAL ")).isEqualTo("FINAL " + words + " True stop");
                assertThat(requester.find("TEXT ")).isEqualTo("TEXT " + expected);
                assertThat(requester.find("DEADLINE_REPLIES ")).isEqualTo("DEADLINE_REPLIES 0");
                assertThat(model.prompts()).as("the request past its deadline was not processed")
                        .containsExactly("How are logs kept?");
                System.out.printf("PYTHON REQUESTER: %d chunks in order, the final marker last, the text whole; a "
                        + "request past its deadline: 0 replies, not processed%n", words + 1);
            }
        }
    }

    @Test
    void hostileRequestsFromPythonAreDeadLetteredAndAPythonConsumerReadsTheReasons(KafkaCluster cluster)
            throws Exception {
        String requests = topic(cluster, "py-hostile");
        String events = topic(cluster, "py-events");
        StandInLlm model = new StandInLlm(Duration.ofMillis(1));
        List<String> handled = new CopyOnWriteArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.builder().name("py-hostile").build();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection(cluster)).pool(pool)
                     .requestTopic(requests).groupId("java-llm-" + requests).build();
             io.kafkautility.consumer.MessageConsumer consumer = io.kafkautility.consumer.MessageConsumer.create(
                     io.kafkautility.consumer.ConsumerOptions.builder(connection(cluster), "java-" + events, events)
                             .handler("rag.document.processed", (m, c) -> handled.add(m.id())).build())) {
            llm.serve(model).ready().get(60, TimeUnit.SECONDS);
            consumer.start().ready().get(60, TimeUnit.SECONDS);
            try (PythonPeer hostile = PythonPeer.start("hostile", cluster.bootstrapServers(), requests, events)) {
                hostile.awaitSuccess(Duration.ofSeconds(90));
                Map<String, String> reasons = hostile.all("DLT ").stream().map(l -> l.split(" "))
                        .collect(Collectors.toMap(p -> p[1], p -> p[2]));
                assertThat(reasons).containsOnly(Map.entry("no-correlation", "INVALID_REPLY_HEADERS"),
                        Map.entry("bad-topic-name", "INVALID_REPLY_HEADERS"),
                        Map.entry("negative-partition", "INVALID_REPLY_HEADERS"),
                        Map.entry("not-allowed-topic", "REPLY_TOPIC_NOT_ALLOWED"),
                        Map.entry("garbage-bytes", "INVALID_REPLY_HEADERS"),
                        Map.entry("huge-correlation", "INVALID_REPLY_HEADERS"));
                for (String line : hostile.all("DLT ")) {
                    String[] p = line.split(" ");
                    assertThat(p[3]).as("original topic").isEqualTo(requests);
                    assertThat(p[5]).as("original offset").matches("\\d+");
                    assertThat(p[6]).as("failed at").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                }
                assertThat(model.prompts()).as("no hostile request was processed").isEmpty();
                Map<String, String> eventReasons = hostile.all("EVENT_DLT ").stream().map(l -> l.split(" "))
                        .collect(Collectors.toMap(p -> p[1], p -> p[2]));
                assertThat(eventReasons).containsOnly(Map.entry("not-json", "INVALID_JSON"),
                        Map.entry("unknown-type", "UNKNOWN_TYPE"), Map.entry("schema-violation", "SCHEMA_VIOLATION"));
                assertThat(handled).as("no bad event reached the handler").isEmpty();
                System.out.printf("PYTHON HOSTILE: %d hostile requests dead-lettered with their reasons, read back "
                        + "from Python: %s; bad events from Python dead-lettered by a Java consumer: %s%n",
                        reasons.size(), reasons, eventReasons);
            }
        }
    }

    @Test
    void aMixedRagFlowJavaDocumentAndQueryServicesAPythonLlmServiceAndTheJavaChatBackend(KafkaCluster cluster)
            throws Exception {
        try (Admin admin = cluster.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            for (String t : RagFlow.TOPICS) {
                if (!existing.contains(t)) {
                    cluster.createTopics(new NewTopic(t, 3, (short) 1));
                }
            }
        }
        Path schema = Files.createDirectories(Path.of("target", "python")).resolve("rag-response.avsc");
        try (InputStream in = PythonPeersIT.class.getResourceAsStream("/avro/rag-response.avsc")) {
            Files.write(schema, in.readAllBytes());
        }
        try (SchemaRegistryServer registry = SchemaRegistryServer.start();
             KafkaClientPool pool = KafkaClientPool.builder().name("mixed-flow").build();
             DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.builder()
                     .connection(connection(cluster)).pool(pool).build();
             UiBackend backend = new UiBackend(connection(cluster), pool, registry.url(), 0, "mixed-ui",
                     SessionKeys.generated(), q -> CONTEXT);
             PythonPeer llm = PythonPeer.start("responder", cluster.bootstrapServers(), "rag.llm.requests", "1",
                     registry.url(), schema.toString())) {
            backend.ready().get(60, TimeUnit.SECONDS);
            llm.awaitLine("READY", Duration.ofSeconds(60));
            documents.sendDocumentProcessedEvent("doc-kafka", DocumentStatus.SUCCESS, Map.of("chunkCount", 1))
                    .get(30, TimeUnit.SECONDS);
            try (ChatClient page = ChatClient.open(backend.port())) {
                page.hello(null);
                page.ask("q-mixed", "How does Kafka avoid losing messages?");
                await().atMost(Duration.ofSeconds(60)).until(() -> !page.of("answer", "q-mixed").isEmpty());
                String answer = page.of("answer", "q-mixed").get(0).path("answer").asText();
                assertThat(answer).isEqualTo("Python says: How does Kafka avoid losing messages?");
                List<String> deltas = new ArrayList<>();
                page.of("delta", "q-mixed").forEach(d -> deltas.add(d.path("text").asText()));
                assertThat(String.join("", deltas)).as("streamed word by word").isEqualTo(answer);
                llm.awaitSuccess(Duration.ofSeconds(30));
                assertThat(llm.find("CHAT_REPLIES ")).isNotNull();
                System.out.printf("MIXED FLOW: Java document and query services, the Python LLM service, the Java "
                        + "chat backend: %d deltas and the answer reached the page%n", deltas.size());
            }
        }
    }
}
