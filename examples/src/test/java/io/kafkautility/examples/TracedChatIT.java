package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import io.kafkautility.tracing.KafkaTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * One trace from the question to the WebSocket frame: the chat backend's request to the LLM service, the LLM service
 * handling it, its UI replies on {@code respostas}, and the response consumer handing each to the page, all with
 * tracing on (one OpenTelemetry SDK, an in-memory exporter).
 */
@KafkaTest
class TracedChatIT {

    @Test
    void theQuestionTheLlmAndTheFramesAreOneTrace(KafkaCluster cluster) throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        try (Admin admin = cluster.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            // with the dead-letter topics: requests other tests left behind (their requesters gone) are
            // dead-lettered by this test's fresh LLM group instead of holding its partition
            for (String topic : RagFlow.TOPICS) {
                for (String t : List.of(topic, topic + ".DLT")) {
                    if (!existing.contains(t)) {
                        cluster.createTopics(new NewTopic(t, 3, (short) 1));
                    }
                }
            }
        }
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        try (SchemaRegistryServer registry = SchemaRegistryServer.start();
             KafkaClientPool pool = KafkaClientPool.builder().name("traced-chat")
                     .tracing(KafkaTracing.of(otel)).build();
             LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(connection).pool(pool)
                     .schemaRegistryUrl(registry.url()).uiReplies(true).groupId("traced-llm").build()) {
            LlmServer server = llm.serve(new StandInLlm(Duration.ofMillis(5)));
            try (UiBackend backend = new UiBackend(connection, pool, registry.url(), 0, "unused",
                    io.kafkautility.response.SessionKeys.generated(), q -> List.of(new ContextChunk("doc-kafka#0", "doc-kafka", UiStack.DOCUMENT, 1.0)));
                 ChatPage page = new ChatPage("traced")) {
                server.ready().get(60, TimeUnit.SECONDS);
                backend.ready().get(60, TimeUnit.SECONDS);
                page.connect(backend.port()).ask("q-traced-1", "How does Kafka avoid losing messages?");
                await().atMost(Duration.ofSeconds(60)).until(() -> page.answer != null);
                await().atMost(Duration.ofSeconds(10)).until(() -> spans(exporter, n -> n.startsWith("deliver "))
                        .size() == page.lastSeq + 2); // every delta and the answer
            }
        }
        List<SpanData> all = exporter.getFinishedSpanItems();
        Map<String, SpanData> byId = all.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        SpanData request = one(all, n -> n.equals("send rag.llm.requests"));
        // requests other tests left on the topic are handled too (this LLM group is fresh): each in its own trace
        SpanData handled = one(all.stream().filter(s -> s.getTraceId().equals(request.getTraceId())).toList(),
                n -> n.equals("process rag.llm.requests"));
        List<SpanData> frames = spans(exporter, n -> n.startsWith("deliver respostas"));
        assertThat(handled.getParentSpanId()).as("the LLM's handling is a child of the request")
                .isEqualTo(request.getSpanId());
        for (SpanData frame : frames) {
            SpanData published = byId.get(frame.getParentSpanId());
            assertThat(published).as("a frame's parent is the LLM's UI record").isNotNull();
            assertThat(published.getName()).isEqualTo("send respostas");
            assertThat(published.getParentSpanId()).as("published while handling the request")
                    .isEqualTo(handled.getSpanId());
            assertThat(frame.getTraceId()).isEqualTo(request.getTraceId());
        }
        System.out.printf("TRACE %s: %s -> %s -> %d x (send respostas -> deliver respostas)%n", request.getTraceId(),
                request.getName(), handled.getName(), frames.size());
        provider.close();
    }

    private static List<SpanData> spans(InMemorySpanExporter exporter, Predicate<String> name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> name.test(s.getName())).toList();
    }

    private static SpanData one(List<SpanData> all, Predicate<String> name) {
        List<SpanData> found = all.stream().filter(s -> name.test(s.getName())).toList();
        assertThat(found).as("spans %s", all.stream().map(SpanData::getName).distinct().toList()).hasSize(1);
        return found.get(0);
    }
}
