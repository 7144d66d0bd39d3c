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
import io.kafkautility.requestreply.RequestRejectedException;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.validation.DecodeResult;
import java.util.HashMap;
import java.util.concurrent.CancellationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DefaultLlmServiceKafkaClient.class);

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
    /** {@link LlmServiceKafkaClient.Builder#uiReplies}: answers to UI sessions go to the UI topic, streamed. */
    private final boolean uiReplies;
    private final String cancelTopic;
    private final boolean listenForCancellations;
    /**
     * Answers being generated, by query id and session (what a cancellation names: a cancellation that names a session
     * stops only that session's answer, so no page can stop another's by guessing its question id).
     */
    private final Map<String, Generation> generating = new ConcurrentHashMap<>();
    /** Query ids (with their session) cancelled lately, so a request whose cancellation came first is not generated. */
    private final Map<String, Boolean> cancelledLately = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_CANCELLED_REMEMBERED;
                }
            });
    private ConsumerLoop cancellations;
    private final io.micrometer.core.instrument.Counter cancelledCounter;
    private static final int MAX_CANCELLED_REMEMBERED = 10_000;

    /** One answer being generated: a cancellation flags it and interrupts its handler thread. */
    private static final class Generation {
        final Thread thread = Thread.currentThread();
        volatile boolean cancelled;

        void cancel() {
            cancelled = true;
            thread.interrupt();
        }
    }

    public DefaultLlmServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool, String source,
                                        String groupId, String requestTopic, String responseTopic, String uiTopic,
                                        URI schemaRegistryUrl, int handlerThreads, boolean uiReplies,
                                        String cancelTopic) {
        this.connection = connection;
        this.uiReplies = uiReplies;
        this.publisher = new TypedPublisher(connection, pool, source);
        this.rawProducer = publisher.pool().newProducer(ProducerOptions.builder(connection).source(source).build());
        this.groupId = groupId;
        this.requestTopic = requestTopic != null ? requestTopic : publisher.topicOf(MessageTypes.LLM_REQUEST.name());
        this.responseTopic = responseTopic != null ? responseTopic
                : publisher.topicOf(MessageTypes.LLM_RESPONSE.name());
        this.uiTopic = uiTopic;
        this.listenForCancellations = uiReplies || cancelTopic != null;
        this.cancelTopic = cancelTopic != null ? cancelTopic
                : publisher.topicOf(MessageTypes.QUERY_CANCELLED.name());
        this.cancelledCounter = io.micrometer.core.instrument.Counter.builder(MetricNames.LLM_CANCELLED)
                .description("Answers stopped because the user cancelled their question")
                .register(publisher.pool().metrics().registry());
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
        if (listenForCancellations) {
            listenForCancellations();
        }
        PayloadCodec<Envelope> codec = PayloadCodec.validatedEnvelopes(publisher.pool().validator());
        Responder<Envelope, Envelope> responder = Responder.createStreaming(
                ResponderOptions.builder(requestTopic, groupId, codec, codec)
                        .connection(connection)
                        .name(publisher.source())
                        .tracing(publisher.pool().tracing())
                        .metrics(publisher.pool().metrics()) // in every registry the application bound the pool to
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
            public io.kafkautility.health.Health health() {
                return responder.health();
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

    @Override
    public io.kafkautility.health.Health health() {
        io.kafkautility.health.HealthStatus status = io.kafkautility.health.HealthStatus.UP;
        java.util.List<String> reasons = new java.util.ArrayList<>();
        int n = 0;
        for (LlmServer server : List.copyOf(servers)) {
            io.kafkautility.health.Health h = server.health();
            status = status.worst(h.status());
            reasons.addAll(h.reasons());
            n++;
        }
        return io.kafkautility.health.Health.of("llm-client", status, reasons, java.util.Map.of("servers", n));
    }

    private void dispatch(LlmRequestHandler handler, Envelope requestEnvelope, ReplySink<Envelope> sink,
                          RequestContext context) {
        LlmRequest request = publisher.read(requestEnvelope, MessageTypes.LLM_REQUEST.name(), LlmRequest.class);
        try {
            // the request's span goes along: the handler's UI replies and its reply are part of its trace
            handlerExecutor.execute(io.opentelemetry.context.Context.current()
                    .wrap(() -> handle(handler, request, requestEnvelope, sink)));
        } catch (RejectedExecutionException e) {
            sink.fail(new KafkaUtilityException("LLM client is closing"));
        }
    }

    private static String generationKey(String queryId, String sessionId) {
        return queryId + "\n" + (sessionId == null ? "" : sessionId);
    }

    private void handle(LlmRequestHandler handler, LlmRequest request, Envelope cause, ReplySink<Envelope> sink) {
        String queryId = request.queryId();
        Generation generation = new Generation();
        String key = queryId == null ? null : generationKey(queryId, request.sessionId());
        if (key != null) {
            generating.put(key, generation);
            if (cancelledLately.containsKey(key) || cancelledLately.containsKey(generationKey(queryId, null))) {
                generation.cancelled = true; // cancelled before it started
            }
        }
        try {
            generate(handler, request, cause, sink, generation);
        } finally {
            if (key != null) {
                generating.remove(key, generation);
            }
            Thread.interrupted(); // a cancellation's interrupt must not reach the next request on this thread
        }
    }

    private void generate(LlmRequestHandler handler, LlmRequest request, Envelope cause, ReplySink<Envelope> sink,
                          Generation generation) {
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger uiSequence = new AtomicInteger();
        boolean ui = uiReplies && request.sessionId() != null;
        TokenStream tokens = new TokenStream() {
            @Override
            public void emit(String delta) {
                if (generation.cancelled) {
                    throw new CancellationException("question " + request.queryId() + " was cancelled");
                }
                if (delta == null || delta.isEmpty()) {
                    return;
                }
                if (request.stream()) {
                    sink.next(chunk(request, cause, sequence.getAndIncrement(), delta, false, null));
                }
                if (ui) {
                    publishUi(request.sessionId(), UiKind.DELTA, request.queryId(),
                            uiSequence.getAndIncrement(), delta, null, null);
                }
            }

            @Override
            public boolean streaming() {
                return request.stream() || ui;
            }

            @Override
            public boolean isCancelled() {
                return generation.cancelled;
            }
        };
        LlmResponse response;
        try {
            if (generation.cancelled) {
                throw new CancellationException("question " + request.queryId() + " was cancelled");
            }
            response = handler.handle(request, tokens);
            if (response == null) {
                throw new KafkaUtilityException("the LLM handler returned no response");
            }
        } catch (Exception e) {
            if (generation.cancelled) { // whatever the handler threw on its way out: the user stopped it
                sink.fail(new RequestRejectedException("CANCELLED", "the question was cancelled"));
                return;
            }
            if (ui) {
                publishUi(request.sessionId(), UiKind.FINAL, request.queryId(), uiSequence.get(), "",
                        null, "the answer could not be produced");
            }
            sink.fail(e);
            return;
        }
        if (generation.cancelled) {
            sink.fail(new RequestRejectedException("CANCELLED", "the question was cancelled"));
            return;
        }
        try {
            if (ui) {
                publishUi(request.sessionId(), UiKind.FINAL, request.queryId(), uiSequence.get(), "",
                        response, null).join();
            }
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
        return publishUi(reply, UiKind.FINAL, 0, "");
    }

    /** What a record on the UI topic is: the whole answer, or one piece of a streamed one. */
    private enum UiKind { FINAL, DELTA }

    /**
     * Publishes one record of the UI stream of {@code queryId}: a delta, or the final answer (from {@code response},
     * or an error reply when {@code error} is set). Asynchronous; a failure is logged here (the requester still gets
     * its reply over request-reply) and fails the returned future.
     */
    private CompletableFuture<SendResult> publishUi(String sessionId, UiKind kind, String queryId, int seq,
                                                    String delta, LlmResponse response, String error) {
        UiReply reply = error != null ? UiReply.error(sessionId, queryId, error)
                : UiReply.success(sessionId, queryId, response == null ? "" : response.answer(),
                response == null ? List.of() : response.sources());
        return publishUi(reply, kind, seq, delta).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("UI {} record {} of question {} could not be published: {}", kind, seq,
                        queryId, e.toString());
            }
        });
    }

    private CompletableFuture<SendResult> publishUi(UiReply reply, UiKind kind, int seq, String delta) {
        try {
            AvroWireEncoder encoder = uiEncoder();
            byte[] value = encoder.encode(toAvro(reply, encoder.schema(), kind, seq, delta));
            byte[] session = reply.sessionId().getBytes(StandardCharsets.UTF_8);
            org.apache.kafka.common.header.internals.RecordHeaders headers =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(io.kafkautility.MessageHeaders.SESSION_ID, session); // chat backends route by it, undecoded
            if (kind == UiKind.FINAL) { // and tell the end of an answer by this, undecoded too
                headers.add(io.kafkautility.MessageHeaders.CHUNK_FINAL, "true".getBytes(StandardCharsets.UTF_8));
            }
            return rawProducer.sendRecord(new ProducerRecord<>(uiTopic, null, session, value, headers));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reads {@code rag.query.cancelled} from every partition of the cancellation topic (no group: every instance sees
     * every cancellation) and stops the generation it names, if this instance runs it. Started by the first
     * {@link #serve}; a missing topic is retried with backoff and does not keep requests from being served.
     */
    private synchronized void listenForCancellations() {
        if (cancellations != null) {
            return;
        }
        Map<String, Object> props = new HashMap<>(connection.clientProperties());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.compute(ConsumerConfig.CLIENT_ID_CONFIG, (k, v) -> (v == null ? publisher.source() : v)
                + "-cancellations");
        cancellations = ConsumerLoop.create(ConsumerLoopOptions.assign("llm-cancellations-" + publisher.source(),
                () -> new KafkaConsumer<byte[], byte[]>(new HashMap<>(props)),
                ConsumerLoopOptions.allPartitionsOf(cancelTopic, java.time.Duration.ofSeconds(10)))
                .commitInterval(java.time.Duration.ZERO).build(), new io.kafkautility.consumer.loop.RecordSink() {
                    @Override
                    public void accept(ConsumerRecord<byte[], byte[]> record,
                                       io.kafkautility.consumer.loop.RecordAck ack) {
                        ack.begin();
                        try {
                            onCancellation(record);
                        } finally {
                            ack.done();
                        }
                    }

                    private int missing;

                    @Override
                    public boolean onFailure(RuntimeException error, java.time.Duration retryIn) {
                        // a topic just created may not be known yet; still missing after a few tries (about 6 s):
                        // said once, and answers are generated regardless
                        return !(error instanceof io.kafkautility.consumer.loop.MissingTopicException)
                                || ++missing < 7;
                    }
                }).start();
        cancellations.ready().whenComplete((v, e) -> {
            if (e != null) {
                log.warn("Cancellations cannot be read ({}): answers are not stopped when users cancel",
                        e.toString());
            }
        });
    }

    private void onCancellation(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        DecodeResult decoded = publisher.pool().validator().decode(record.value(),
                io.kafkautility.message.EnvelopeCodec.headerMap(record.headers()));
        if (!decoded.isValid() || !MessageTypes.QUERY_CANCELLED.name().equals(decoded.envelope().type())) {
            log.warn("Record {}-{}@{} on the cancellation topic is not a valid rag.query.cancelled; ignored",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        String queryId = decoded.envelope().data().path("queryId").asText(null);
        if (queryId == null) {
            return;
        }
        String sessionId = decoded.envelope().data().path("sessionId").asText(null);
        cancelledLately.put(generationKey(queryId, sessionId), Boolean.TRUE);
        java.util.List<Generation> named = new java.util.ArrayList<>();
        if (sessionId != null) {
            Generation g = generating.get(generationKey(queryId, sessionId));
            if (g == null) {
                g = generating.get(generationKey(queryId, null)); // a request that named no session
            }
            if (g != null) {
                named.add(g);
            }
        } else { // a cancellation that names no session stops the question in every session
            String prefix = queryId + "\n";
            generating.forEach((k, g) -> {
                if (k.startsWith(prefix)) {
                    named.add(g);
                }
            });
        }
        for (Generation g : named) {
            if (g.cancelled) {
                continue;
            }
            g.cancel();
            cancelledCounter.increment();
            log.info("Stopped generating the answer to question {} (cancelled by the user)",
                    queryId);
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

    private static GenericRecord toAvro(UiReply reply, Schema schema, UiKind kind, int seq, String delta) {
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
        record.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), kind.name()));
        record.put("seq", seq);
        record.put("delta", delta);
        return record;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            synchronized (this) {
                if (cancellations != null) {
                    cancellations.close();
                }
            }
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
