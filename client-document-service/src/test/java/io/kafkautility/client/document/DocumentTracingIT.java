package io.kafkautility.client.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.tracing.KafkaTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The document client with tracing on its pool, through a real MDC (this module's tests log with logback): the service
 * that publishes an event and the one that handles it are one trace, and while the listener runs the MDC holds the
 * trace id and the event's message id, so its log lines join the trace.
 */
@KafkaTest
class DocumentTracingIT {

    @Test
    void aListenerRunsInsideTheTraceOfTheEventWithItsIdsInTheMdc(KafkaCluster cluster) throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        String topic = TopicNames.unique("documents-traced");
        cluster.createTopic(topic, 1, (short) 1);
        CompletableFuture<Map<String, String>> mdc = new CompletableFuture<>();
        try (KafkaClientPool pool = KafkaClientPool.builder().tracing(KafkaTracing.of(otel)).build();
             DocumentServiceKafkaClient client = DocumentServiceKafkaClient.builder().pool(pool).topic(topic)
                     .connection(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build())
                     .build();
             DocumentSubscription subscription = client.subscribe(TopicNames.unique("indexer"),
                     new DocumentEventListener() {
                         @Override
                         public void onProcessed(DocumentProcessedEvent event, Meta meta) {
                             mdc.complete(MDC.getCopyOfContextMap());
                         }
                     })) {
            subscription.ready().get(60, TimeUnit.SECONDS);
            Span root = otel.getTracer("test").spanBuilder("process upload").startSpan();
            String messageId;
            try (Scope s = root.makeCurrent()) {
                messageId = client.sendDocumentProcessedEvent("doc-7", DocumentStatus.SUCCESS, Map.of("pages", 3))
                        .get(30, TimeUnit.SECONDS).messageId().orElseThrow();
            } finally {
                root.end();
            }
            Map<String, String> seen = mdc.get(30, TimeUnit.SECONDS);
            String traceId = root.getSpanContext().getTraceId();
            assertThat(seen).containsEntry(KafkaTracing.MDC_TRACE_ID, traceId)
                    .containsEntry(KafkaTracing.MDC_MESSAGE_ID, messageId);
            await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().stream()
                    .anyMatch(d -> d.getName().equals("process " + topic)));
            SpanData send = exporter.getFinishedSpanItems().stream().filter(d -> d.getName().equals("send " + topic))
                    .findFirst().orElseThrow();
            SpanData process = exporter.getFinishedSpanItems().stream()
                    .filter(d -> d.getName().equals("process " + topic)).findFirst().orElseThrow();
            assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
            assertThat(send.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
            System.out.printf("TRACE document event %s: MDC of the listener %s%n", traceId, seen);
        } finally {
            provider.close();
        }
    }
}
