package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.avro.AvroWireDecoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.rag.TokenUsage;
import io.kafkautility.client.llm.UiReply;
import io.kafkautility.client.query.AnswerChunk;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.client.query.LlmAnswer;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryEvent;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.requestreply.RemoteReplyException;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every public method of the query and LLM service clients, talking to each other over a real broker. */
@KafkaTest
class TypedClientsIT {

    private final MessageValidator validator = MessageValidator.create();

    @Test
    void queryEventsAskAndStreamedAskAgainstTheLlmClient(KafkaCluster cluster) throws Exception {
        String queries = TopicNames.unique("queries");
        String requests = TopicNames.unique("llm-requests");
        cluster.createTopic(queries, 1, (short) 1);
        cluster.createTopic(requests, 2, (short) 1);
        KafkaConnectionOptions connection = connection(cluster);
        try (KafkaClientPool pool = KafkaClientPool.create();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection).pool(pool)
                     .requestTopic(requests).groupId(TopicNames.unique("llm")).handlerThreads(2).build();
             QueryServiceKafkaClient query = QueryServiceKafkaClient.builder().connection(connection).pool(pool)
                     .queryTopic(queries).requestTopic(requests).answerTimeout(Duration.ofSeconds(20)).build()) {
            LlmServer server = llm.serve((request, tokens) -> {
                if (request.prompt().contains("fail")) {
                    throw new IllegalStateException("model unavailable");
                }
                tokens.emit("alpha ");
                tokens.emit("beta ");
                tokens.emit("gamma");
                assertThat(tokens.streaming()).isEqualTo(request.stream());
                return new LlmResponse(request.requestId(), request.queryId(), "alpha beta gamma",
                        List.of(new io.kafkautility.rag.Source(request.context().get(0).documentId(), null,
                                "notes", 0.9)), TokenUsage.of(10, 3), "stop");
            });
            server.ready().get(30, TimeUnit.SECONDS);

            // query events: three overloads
            query.sendQueryEvent(new QueryEvent("q-1", "what?", "u-1", "s-1", 5, Instant.now())).join();
            query.sendQueryEvent("q-2", "why?", "u-1", "s-1").join();
            query.sendQueryEvent("q-3", "how?", "u-2").join();
            List<Envelope> events = readEnvelopes(cluster, queries, 3);
            assertThat(events).extracting(Envelope::type).containsOnly("rag.query.submitted");
            assertThat(events).extracting(e -> e.data().get("sessionId").asText())
                    .containsExactlyInAnyOrder("s-1", "s-1", "q-3");

            List<ContextChunk> context = List.of(new ContextChunk("d-1#0", "d-1", "some text", 0.9));
            // whole answer, default and explicit timeout
            LlmAnswer answer = query.ask(LlmQuestion.of("q-1", "s-1", "what?", context)).get(30, TimeUnit.SECONDS);
            assertThat(answer.answer()).isEqualTo("alpha beta gamma");
            assertThat(answer.finishReason()).isEqualTo("stop");
            assertThat(answer.usage().totalTokens()).isEqualTo(13);
            assertThat(answer.sources()).extracting(io.kafkautility.rag.Source::documentId)
                    .containsExactly("d-1");
            assertThat(query.ask(LlmQuestion.of("q-2", null, "why?", context), Duration.ofSeconds(20))
                    .get(30, TimeUnit.SECONDS).queryId()).isEqualTo("q-2");

            // streamed answer: chunks in order, the last one final with the sources
            List<AnswerChunk> chunks = new CopyOnWriteArrayList<>();
            collect(query.askStreaming(LlmQuestion.of("q-3", "s-1", "how?", context)), chunks::add)
                    .get(30, TimeUnit.SECONDS);
            assertThat(chunks).extracting(AnswerChunk::sequence).containsExactly(0L, 1L, 2L, 3L);
            assertThat(chunks).extracting(AnswerChunk::delta).containsExactly("alpha ", "beta ", "gamma", "");
            assertThat(chunks.get(3).last()).isTrue();
            assertThat(chunks.get(3).sources()).hasSize(1);

            // a failing handler fails the future at once with the remote error
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> query.ask(LlmQuestion.of("q-4", null, "please fail", context)).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(RemoteReplyException.class)
                    .hasMessageContaining("HANDLER_FAILED")
                    .hasMessageNotContaining("model unavailable"); // the exception's text stays in the LLM's log
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            // the requester can read the error reply before the broker's ack reaches the responder, which
            // counts a request in flight until then
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 0);
        }
    }

    @Test
    void publishesLlmResponsesAndUiRepliesInTheConfluentWireFormat(KafkaCluster cluster) throws Exception {
        String responses = TopicNames.unique("llm-responses");
        String ui = TopicNames.unique("respostas");
        cluster.createTopic(responses, 1, (short) 1);
        cluster.createTopic(ui, 1, (short) 1);
        try (SchemaRegistryServer registry = SchemaRegistryServer.start();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection(cluster))
                     .responseTopic(responses).uiTopic(ui).schemaRegistryUrl(registry.url()).build()) {
            llm.publishLlmResponse(new LlmResponse("r-1", "q-1", "forty-two", List.of(), TokenUsage.of(1, 1),
                    "stop")).get(30, TimeUnit.SECONDS);
            llm.publishUiResponse(UiReply.success("s-1", "q-1", "forty-two",
                    List.of(new io.kafkautility.rag.Source("d-1", null, "notes", 0.5))))
                    .get(30, TimeUnit.SECONDS);
            llm.publishUiResponse(UiReply.error("s-2", "q-2", "no answer")).get(30, TimeUnit.SECONDS);

            List<Envelope> published = readEnvelopes(cluster, responses, 1);
            assertThat(published.get(0).type()).isEqualTo("rag.llm.response");
            assertThat(published.get(0).data().get("answer").asText()).isEqualTo("forty-two");

            AvroWireDecoder decoder = AvroWireDecoder.create(
                    SchemaRegistryClient.create(SchemaRegistryOptions.builder(registry.url()).build()),
                    new org.apache.avro.Schema.Parser().parse(
                            TypedClientsIT.class.getResourceAsStream("/avro/rag-response.avsc")));
            List<ConsumerRecord<byte[], byte[]>> records = read(cluster, ui, 2);
            assertThat(records).allSatisfy(r -> assertThat(r.value()[0]).isZero());
            GenericRecord first = decoder.decode(records.get(0).value());
            assertThat(first.get("sessionId").toString()).isEqualTo("s-1");
            assertThat(first.get("answer").toString()).isEqualTo("forty-two");
            assertThat(first.get("status").toString()).isEqualTo("SUCCESS");
            GenericRecord second = decoder.decode(records.get(1).value());
            assertThat(second.get("status").toString()).isEqualTo("ERROR");
            assertThat(second.get("error").toString()).isEqualTo("no answer");
            assertThat(new String(records.get(1).key())).isEqualTo("s-2");
        }
    }

    @Test
    void aUiReplyWithoutARegistryFailsTheFutureWithAConfigurationError(KafkaCluster cluster) {
        try (LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection(cluster)).build()) {
            CompletableFuture<?> sent = llm.publishUiResponse(UiReply.error("s", "q", "x"));
            assertThatThrownBy(sent::join).cause().isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("KAFKA_SCHEMA_REGISTRY_URL");
        }
    }

    @Test
    void fromEnvironmentUsesKafkaBootstrapServersOrSaysItIsMissing() {
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            assertThatThrownBy(DocumentServiceKafkaClient::fromEnvironment).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
            assertThatThrownBy(QueryServiceKafkaClient::fromEnvironment).isInstanceOf(ConfigurationException.class);
            assertThatThrownBy(LlmServiceKafkaClient::fromEnvironment).isInstanceOf(ConfigurationException.class);
        } else {
            DocumentServiceKafkaClient.fromEnvironment().close();
            QueryServiceKafkaClient.fromEnvironment().close();
            LlmServiceKafkaClient.fromEnvironment().close();
        }
    }

    private static KafkaConnectionOptions connection(KafkaCluster cluster) {
        return KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build();
    }

    private List<Envelope> readEnvelopes(KafkaCluster cluster, String topic, int expected) {
        List<Envelope> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(cluster, topic, expected)) {
            DecodeResult decoded = validator.decode(r.value(), EnvelopeCodec.headerMap(r.headers()));
            assertThat(decoded.isValid()).as("%s", decoded).isTrue();
            out.add(decoded.envelope());
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }

    /** Subscribes to {@code publisher}, hands every item to {@code f}; completes when the stream ends. */
    static <T> CompletableFuture<Void> collect(Flow.Publisher<T> publisher, java.util.function.Consumer<T> f) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                f.accept(item);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }
}
