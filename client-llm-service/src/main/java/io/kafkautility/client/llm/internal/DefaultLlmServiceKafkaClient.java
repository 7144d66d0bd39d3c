package io.kafkautility.client.llm.internal;

import io.kafkautility.KafkaUtilityException;
import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.client.llm.LlmRequest;
import io.kafkautility.client.llm.LlmRequestHandler;
import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.client.llm.TokenStream;
import io.kafkautility.client.llm.UiReply;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.client.TypedPublisher;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendResult;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.ReplySink;
import io.kafkautility.requestreply.RequestContext;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The {@link LlmServiceKafkaClient} on top of core's producer, responder and Avro wire format. */
public final class DefaultLlmServiceKafkaClient implements LlmServiceKafkaClient {

    private static final String UI_SCHEMA_RESOURCE = "/avro/rag-response.avsc";

    private final KafkaConnectionOptions connection;
    private final TypedPublisher publisher;
    private final MessageProducer rawProducer;
    private final String groupId;
    private final String requestTopic;
    private final String responseTopic;
    private final String uiTopic;
    private final URI schemaRegistryUrl;
    private final ExecutorService handlerExecutor;
    private final Set<LlmServer> servers = ConcurrentHashMap.newKeySet();
    private volatile AvroWireEncoder uiEncoder;
    private volatile boolean closed;

    public DefaultLlmServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool, String source,
                                        String groupId, String requestTopic, String responseTopic, String uiTopic,
                                        URI schemaRegistryUrl, int handlerThreads) {
        this.connection = connection;
        this.publisher = new TypedPublisher(connection, pool, source);
        this.rawProducer = publisher.pool().newProducer(ProducerOptions.builder(connection).source(source).build());
        this.groupId = groupId;
        this.requestTopic = requestTopic != null ? requestTopic : publisher.topicOf(MessageTypes.LLM_REQUEST.name());
        this.responseTopic = responseTopic != null ? responseTopic
                : publisher.topicOf(MessageTypes.LLM_RESPONSE.name());
        this.uiTopic = uiTopic;
        this.schemaRegistryUrl = schemaRegistryUrl;
        AtomicInteger n = new AtomicInteger();
        this.handlerExecutor = Executors.newFixedThreadPool(handlerThreads, r -> {
            Thread t = new Thread(r, "llm-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public LlmServer serve(LlmRequestHandler handler) {
        if (closed) {
            throw new KafkaUtilityException("LLM client is closed");
        }
        PayloadCodec<Envelope> codec = PayloadCodec.validatedEnvelopes(publisher.pool().validator());
        Responder<Envelope, Envelope> responder = Responder.createStreaming(
                ResponderOptions.builder(requestTopic, groupId, codec, codec)
                        .connection(connection)
                        .name(publisher.source())
                        .build(),
                (request, sink, context) -> dispatch(handler, request, sink, context));
        LlmServer server = new LlmServer() {
            @Override
            public CompletableFuture<Void> ready() {
                return responder.ready();
            }

            @Override
            public int inFlight() {
                return responder.inFlight();
            }

            @Override
            public void close() {
                servers.remove(this);
                responder.close();
            }
        };
        servers.add(server);
        return server;
    }

    private void dispatch(LlmRequestHandler handler, Envelope requestEnvelope, ReplySink<Envelope> sink,
                          RequestContext context) {
        LlmRequest request = publisher.read(requestEnvelope, MessageTypes.LLM_REQUEST.name(), LlmRequest.class);
        try {
            handlerExecutor.execute(() -> handle(handler, request, requestEnvelope, sink));
        } catch (RejectedExecutionException e) {
            sink.fail(new KafkaUtilityException("LLM client is closing"));
        }
    }

    private void handle(LlmRequestHandler handler, LlmRequest request, Envelope cause, ReplySink<Envelope> sink) {
        AtomicInteger sequence = new AtomicInteger();
        TokenStream tokens = new TokenStream() {
            @Override
            public void emit(String delta) {
                if (request.stream() && delta != null && !delta.isEmpty()) {
                    sink.next(chunk(request, cause, sequence.getAndIncrement(), delta, false, null));
                }
            }

            @Override
            public boolean streaming() {
                return request.stream();
            }
        };
        LlmResponse response;
        try {
            response = handler.handle(request, tokens);
            if (response == null) {
                throw new KafkaUtilityException("the LLM handler returned no response");
            }
        } catch (Exception e) {
            sink.fail(e);
            return;
        }
        try {
            if (request.stream()) {
                sink.complete(chunk(request, cause, sequence.getAndIncrement(), "", true, response));
            } else {
                sink.complete(Envelope.builder()
                        .messageType(MessageTypes.LLM_RESPONSE)
                        .source(publisher.source())
                        .subject(request.queryId())
                        .causedBy(cause)
                        .data(publisher.mapper().valueToTree(response))
                        .build());
            }
        } catch (RuntimeException e) {
            sink.fail(e);
        }
    }

    private Envelope chunk(LlmRequest request, Envelope cause, int sequence, String delta, boolean last,
                           LlmResponse response) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", request.requestId());
        data.put("queryId", request.queryId());
        data.put("sequence", sequence);
        data.put("delta", delta);
        data.put("final", last);
        if (response != null) {
            data.put("finishReason", response.finishReason());
            data.put("usage", response.usage());
            data.put("sources", response.sources());
        }
        return Envelope.builder()
                .messageType(MessageTypes.LLM_RESPONSE_CHUNK)
                .source(publisher.source())
                .subject(request.queryId())
                .causedBy(cause)
                .data(publisher.mapper().valueToTree(data))
                .build();
    }

    @Override
    public CompletableFuture<SendResult> publishLlmResponse(LlmResponse response) {
        return publisher.publish(responseTopic, MessageTypes.LLM_RESPONSE.name(), response);
    }

    @Override
    public CompletableFuture<SendResult> publishUiResponse(UiReply reply) {
        try {
            AvroWireEncoder encoder = uiEncoder();
            byte[] value = encoder.encode(toAvro(reply, encoder.schema()));
            return rawProducer.sendRecord(new ProducerRecord<>(uiTopic, null,
                    reply.sessionId().getBytes(StandardCharsets.UTF_8), value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AvroWireEncoder uiEncoder() {
        AvroWireEncoder encoder = uiEncoder;
        if (encoder == null) {
            synchronized (this) {
                if (uiEncoder == null) {
                    if (schemaRegistryUrl == null) {
                        throw new ConfigurationException("publishing UI replies needs a schema registry: set "
                                + "KAFKA_SCHEMA_REGISTRY_URL or LlmServiceKafkaClient.Builder.schemaRegistryUrl");
                    }
                    SchemaRegistryClient registry = SchemaRegistryClient.create(
                            SchemaRegistryOptions.builder(schemaRegistryUrl.toString()).build());
                    uiEncoder = AvroWireEncoder.create(registry, uiTopic + "-value", uiSchema());
                }
                encoder = uiEncoder;
            }
        }
        return encoder;
    }

    private static Schema uiSchema() {
        try (var in = DefaultLlmServiceKafkaClient.class.getResourceAsStream(UI_SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new KafkaUtilityException(UI_SCHEMA_RESOURCE + " is not on the class path");
            }
            return new Schema.Parser().parse(in);
        } catch (java.io.IOException e) {
            throw new KafkaUtilityException("cannot read " + UI_SCHEMA_RESOURCE, e);
        }
    }

    private static GenericRecord toAvro(UiReply reply, Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("sessionId", reply.sessionId());
        record.put("questionId", reply.questionId());
        record.put("answer", reply.answer());
        Schema sourcesSchema = schema.getField("sources").schema();
        List<GenericRecord> sources = reply.sources().stream().map(s -> {
            GenericRecord r = new GenericData.Record(sourcesSchema.getElementType());
            r.put("documentId", s.documentId());
            r.put("title", s.title());
            r.put("score", s.score());
            return r;
        }).toList();
        record.put("sources", new GenericData.Array<>(sourcesSchema, sources));
        record.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), reply.status().name()));
        record.put("error", reply.error());
        record.put("timestamp", reply.timestamp().toEpochMilli());
        return record;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (LlmServer server : List.copyOf(servers)) {
                server.close();
            }
            handlerExecutor.shutdown();
            if (!handlerExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                handlerExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlerExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            rawProducer.close();
            publisher.close();
        }
    }
}
