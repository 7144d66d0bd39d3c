package io.kafkautility.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real spans through the OpenTelemetry SDK with an in-memory exporter, on a broker: a send and the handling of the
 * record are one trace (the consumer's span a child of the producer's, current while the handler runs; the MDC is shown
 * in client-document-service's tests, which log through a real MDC); a request-reply round trip is one trace from the caller's span through the request's send, the
 * responder's handling (current while its handler runs) and its reply.
 */
@KafkaTest
class TracingIT {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private final KafkaTracing tracing = KafkaTracing.of(otel);

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aSendAndTheHandlingOfItsRecordAreOneTrace(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("traced");
        cluster.createTopic(topic, 1, (short) 1);
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        CompletableFuture<SpanContext> inHandler = new CompletableFuture<>();
        try (KafkaClientPool pool = KafkaClientPool.builder().name("traced").tracing(tracing).build();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("test").build());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection,
                     TopicNames.unique("g"), topic).pool(pool).handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                         inHandler.complete(Span.current().getSpanContext());
                     }).build()).start()) {
            consumer.ready().get(60, TimeUnit.SECONDS);
            Span root = otel.getTracer("test").spanBuilder("upload").startSpan();
            String id;
            try (Scope s = root.makeCurrent()) {
                io.kafkautility.message.Envelope e = io.kafkautility.message.Envelope.builder()
                        .messageType(MessageTypes.DOCUMENT_DELETED).source("test").correlationId("corr-1")
                        .data(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                                .put("documentId", "doc-1").put("deletedAt", "2026-12-06T10:00:00Z")).build();
                id = e.id();
                producer.send(topic, "doc-1", e).get(30, TimeUnit.SECONDS);
            } finally {
                root.end();
            }
            SpanContext handled = inHandler.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().size() >= 3);
            SpanData send = span("send " + topic);
            SpanData process = span("process " + topic);
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getParentSpanId()).as("the send is a child of the caller's span")
                    .isEqualTo(root.getSpanContext().getSpanId());
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getParentSpanId()).as("the handling is a child of the send").isEqualTo(send.getSpanId());
            assertThat(process.getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
            assertThat(handled.getSpanId()).as("the handler runs in the consumer's span").isEqualTo(process.getSpanId());
            assertThat(process.getAttributes().asMap().toString()).contains("messaging.system=kafka")
                    .contains("messaging.message.id=" + id);
        }
    }

    @Test
    void aRequestReplyRoundTripIsOneTraceFromTheCallerToTheReply(KafkaCluster cluster) throws Exception {
        String requests = TopicNames.unique("traced-requests");
        cluster.createTopic(requests, 1, (short) 1);
        Map<String, Object> kafka = cluster.clientProperties();
        CompletableFuture<SpanContext> inHandler = new CompletableFuture<>();
        try (Responder<String, String> responder = Responder.create(ResponderOptions.builder(List.of(requests),
                TopicNames.unique("g"), PayloadCodec.utf8(), PayloadCodec.utf8()).kafkaProperties(kafka)
                .tracing(tracing).build(), (q, ctx) -> {
                    inHandler.complete(Span.current().getSpanContext());
                    return CompletableFuture.completedFuture(q.toUpperCase());
                });
             RequestReplyClient<String, String> client = RequestReplyClient.create(RequestReplyOptions.builder(
                     requests, PayloadCodec.utf8(), PayloadCodec.utf8()).kafkaProperties(kafka).tracing(tracing)
                     .build())) {
            responder.ready().get(60, TimeUnit.SECONDS);
            client.ready().get(60, TimeUnit.SECONDS);
            Span root = otel.getTracer("test").spanBuilder("ask").startSpan();
            try (Scope s = root.makeCurrent()) {
                assertThat(client.request("hello").get(30, TimeUnit.SECONDS)).isEqualTo("HELLO");
            } finally {
                root.end();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().size() >= 4);
            SpanData send = span("send " + requests);
            SpanData process = span("process " + requests);
            SpanData reply = exporter.getFinishedSpanItems().stream().filter(d -> d.getName().startsWith("reply "))
                    .findFirst().orElseThrow();
            assertThat(send.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
            assertThat(process.getParentSpanId()).as("the responder's span is a child of the request's send")
                    .isEqualTo(send.getSpanId());
            assertThat(inHandler.get(5, TimeUnit.SECONDS).getSpanId()).as("current while the handler runs")
                    .isEqualTo(process.getSpanId());
            assertThat(reply.getParentSpanId()).as("the reply is a child of the handling").isEqualTo(process.getSpanId());
            assertThat(List.of(send, process, reply)).extracting(SpanData::getTraceId)
                    .containsOnly(root.getSpanContext().getTraceId());
            System.out.printf("TRACE %s: ask -> %s -> %s -> %s%n", root.getSpanContext().getTraceId(), send.getName(),
                    process.getName(), reply.getName());
        }
    }

    @Test
    void noopTracingRecordsNothingAndAddsNoHeader() {
        KafkaTracing noop = KafkaTracing.noop();
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        try (KafkaTracing.Traced t = noop.send("send", "t", headers, "id", null)) {
            assertThat(t.context().isValid()).isFalse();
        }
        assertThat(headers.toArray()).isEmpty();
        assertThat(noop.isEnabled()).isFalse();
    }

    private SpanData span(String name) {
        return exporter.getFinishedSpanItems().stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
    }
}
