package io.kafkautility.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.validation.MessageValidator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;

/** JMH: schema validation of a 1 KiB event, envelope serialize and parse, and plain Jackson as the baseline. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MicroBenchmarks {

    private MessageValidator validator;
    private EnvelopeCodec codec;
    private ObjectMapper jackson;
    private Envelope envelope;
    private JsonNode data;
    private byte[] bytes;

    private io.kafkautility.producer.KafkaClientPool pool;
    private io.kafkautility.producer.MessageProducer mockProducer;
    private io.kafkautility.producer.KafkaClientPool tracedPool;
    private io.kafkautility.producer.MessageProducer tracedProducer;
    private io.opentelemetry.sdk.trace.SdkTracerProvider tracerProvider;
    private final io.kafkautility.tracing.KafkaTracing noopTracing = io.kafkautility.tracing.KafkaTracing.noop();

    @Setup
    public void setUp() {
        // the library's whole send() against a MockProducer that acks at once: envelope, validation, encoding,
        // breaker, retry wrapper, metrics and the completion hand-off, without a network
        pool = io.kafkautility.producer.KafkaClientPool.builder().producerFactory(props -> new ForgetfulMockProducer())
                .build();
        mockProducer = pool.newProducer(io.kafkautility.producer.ProducerOptions.builder(
                io.kafkautility.config.KafkaConnectionOptions.builder().bootstrapServers("localhost:9").build())
                .source("benchmark").completionExecutor(Runnable::run).build());
        // the same with tracing on: an OpenTelemetry SDK sampling every span, spans ended and dropped (no exporter)
        tracerProvider = io.opentelemetry.sdk.trace.SdkTracerProvider.builder().build();
        tracedPool = io.kafkautility.producer.KafkaClientPool.builder()
                .producerFactory(props -> new ForgetfulMockProducer())
                .tracing(io.kafkautility.tracing.KafkaTracing.of(io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                        .setTracerProvider(tracerProvider).setPropagators(
                                io.opentelemetry.context.propagation.ContextPropagators.create(
                                        io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator
                                                .getInstance())).build())).build();
        tracedProducer = tracedPool.newProducer(io.kafkautility.producer.ProducerOptions.builder(
                io.kafkautility.config.KafkaConnectionOptions.builder().bootstrapServers("localhost:9").build())
                .source("benchmark").completionExecutor(Runnable::run).build());
        validator = MessageValidator.create();
        codec = validator.codec();
        jackson = new ObjectMapper();
        envelope = Payloads.envelope(1);
        data = envelope.data();
        bytes = codec.encode(envelope);
        if (!validator.validate(MessageTypes.DOCUMENT_PROCESSED, data).isEmpty()) {
            throw new IllegalStateException("the benchmark event is not valid");
        }
        handSchema = HandWritten.schema();
    }

    // ---- what a user without the library would hand-write for the same event: the baselines of the paths above

    private com.networknt.schema.JsonSchema handSchema;

    /** networknt alone on the same data and schema: the floor of {@link #validate}. */
    @Benchmark
    public Object networkntValidateBaseline() {
        return handSchema.validate(data);
    }

    /**
     * The producer side by hand: validate the data, build a CloudEvents envelope as a tree (fresh UUID and time),
     * write it with Jackson, add the id, type and content-type headers: the baseline of {@link #producerPath}.
     */
    @Benchmark
    public Object handWrittenProducerPath() throws Exception {
        if (!handSchema.validate(data).isEmpty()) {
            throw new IllegalStateException("invalid");
        }
        String id = java.util.UUID.randomUUID().toString();
        com.fasterxml.jackson.databind.node.ObjectNode e = jackson.createObjectNode().put("specversion", "1.0")
                .put("id", id).put("source", "benchmark").put("type", "rag.document.processed")
                .put("time", java.time.Instant.now().toString()).put("datacontenttype", "application/json")
                .put("dataschema", MessageTypes.DOCUMENT_PROCESSED.schemaId());
        e.set("data", data);
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(io.kafkautility.MessageHeaders.CONTENT_TYPE, CONTENT_TYPE);
        headers.add(io.kafkautility.MessageHeaders.MESSAGE_ID, id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add(io.kafkautility.MessageHeaders.MESSAGE_TYPE, TYPE);
        return new org.apache.kafka.clients.producer.ProducerRecord<>("t", null, new byte[0],
                jackson.writeValueAsBytes(e), headers);
    }

    private static final byte[] CONTENT_TYPE = EnvelopeCodec.CONTENT_TYPE.getBytes(
            java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] TYPE = "rag.document.processed".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * The consumer side by hand: parse the record into a tree, read the id and type, validate the data: the baseline
     * of {@link #consumerPath} (which also checks every CloudEvents attribute, the time and the schema version).
     */
    @Benchmark
    public Object handWrittenConsumerPath() throws Exception {
        JsonNode root = jackson.readTree(bytes);
        if (!root.path("id").isTextual() || !"rag.document.processed".equals(root.path("type").asText())) {
            throw new IllegalStateException("not the benchmark event");
        }
        if (!handSchema.validate(root.get("data")).isEmpty()) {
            throw new IllegalStateException("invalid");
        }
        return root;
    }

    @Benchmark
    public Object validate() {
        return validator.validate(MessageTypes.DOCUMENT_PROCESSED, data);
    }

    @Benchmark
    public byte[] envelopeSerialize() {
        return codec.encode(envelope);
    }

    @Benchmark
    public Envelope envelopeParse() {
        return codec.decode(bytes);
    }

    /**
     * Everything the library adds on the caller's thread before {@code KafkaProducer.send}, as
     * {@code send(topic, key, type, data)} does it: the envelope around the caller's tree (read in place, not copied),
     * the bounds, the schema and the writing in one walk ({@code encodeValid}), the headers.
     */
    @Benchmark
    public Object producerPath() {
        Envelope e = io.kafkautility.internal.message.EnvelopeAccess.adoptData(
                Envelope.builder().messageType(MessageTypes.DOCUMENT_PROCESSED).source("benchmark"), data).build();
        byte[] value = validator.encodeValid(e);
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        codec.writeHeaders(e, headers);
        return new org.apache.kafka.clients.producer.ProducerRecord<>("t", null, new byte[0], value, headers);
    }

    /** The whole send() of the library through to an immediate ack (MockProducer), completion included. */
    @Benchmark
    public Object sendToMockProducer() throws Exception {
        return mockProducer.send("t", "k", MessageTypes.DOCUMENT_PROCESSED, data).get();
    }

    /** The same send with tracing on (a real SDK tracer: a span per send, its context written into the headers). */
    @Benchmark
    public Object sendToMockProducerTraced() throws Exception {
        return tracedProducer.send("t", "k", MessageTypes.DOCUMENT_PROCESSED, data).get();
    }

    /** What tracing costs per record when it is off (the default): the no-op span of a send. */
    @Benchmark
    public Object tracingOffPerRecord() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        try (io.kafkautility.tracing.KafkaTracing.Traced t = noopTracing.send("send", "t", headers, "id", null)) {
            return t;
        }
    }

    /** Acks at once and keeps no history (MockProducer's grows without bound and would make this a GC benchmark). */
    private static final class ForgetfulMockProducer extends org.apache.kafka.clients.producer.MockProducer<byte[], byte[]> {
        ForgetfulMockProducer() {
            super(true, null, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                org.apache.kafka.clients.producer.Callback callback) {
            java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> f = super.send(record,
                    callback);
            clear();
            return f;
        }
    }

    @TearDown
    public void tearDown() {
        mockProducer.close();
        pool.close();
        tracedProducer.close();
        tracedPool.close();
        tracerProvider.close();
    }

    /** Everything the library adds on the consumer's worker per record before the handler. */
    @Benchmark
    public Object consumerPath() {
        return validator.decode(bytes, java.util.Map.of());
    }

    // ---- reply decoding on the response consumer's thread (per record; the writer schema is resolved once)


    private io.kafkautility.avro.AvroWireDecoder strictReplies;
    private io.kafkautility.avro.MappingAvroDecoder<io.kafkautility.response.RagResponse> replies;
    private byte[] ownReply;
    private byte[] flinkReply;

    @Setup
    public void setUpReplies() throws Exception {
        org.apache.avro.Schema own = io.kafkautility.response.RagResponseAvro.schema();
        org.apache.avro.Schema flink = new org.apache.avro.Schema.Parser().parse(FlinkSchemas.NULLABLE);
        java.util.Map<Integer, org.apache.avro.Schema> schemas = java.util.Map.of(1, own, 2, flink);
        io.kafkautility.avro.WriterSchemaResolver resolver = schemas::get;
        strictReplies = io.kafkautility.avro.AvroWireDecoder.create(resolver, own);
        replies = io.kafkautility.response.RagResponseAvro.decoder(resolver);
        io.kafkautility.response.RagResponse reply = new io.kafkautility.response.RagResponse("session-42",
                "question-42", "x".repeat(400), java.util.List.of(
                new io.kafkautility.response.RagResponse.Source("doc-1", "Manual", 0.87),
                new io.kafkautility.response.RagResponse.Source("doc-2", "Guide", 0.5)),
                io.kafkautility.response.RagResponse.Status.SUCCESS, null, java.time.Instant.now());
        org.apache.avro.generic.GenericRecord r = io.kafkautility.response.RagResponseAvro.toAvro(reply, own);
        ownReply = frame(1, own, r);
        org.apache.avro.generic.GenericRecord f = new org.apache.avro.generic.GenericData.Record(flink);
        for (String field : java.util.List.of("sessionId", "questionId", "answer", "error", "timestamp")) {
            f.put(field, r.get(field));
        }
        f.put("status", "SUCCESS");
        org.apache.avro.Schema array = flink.getField("sources").schema().getTypes().get(1);
        org.apache.avro.Schema item = array.getElementType().getTypes().get(1);
        java.util.List<Object> items = new java.util.ArrayList<>();
        for (io.kafkautility.response.RagResponse.Source src : reply.sources()) {
            org.apache.avro.generic.GenericRecord i = new org.apache.avro.generic.GenericData.Record(item);
            i.put("documentId", src.documentId());
            i.put("title", src.title());
            i.put("score", src.score());
            items.add(i);
        }
        f.put("sources", new org.apache.avro.generic.GenericData.Array<>(array, items));
        flinkReply = frame(2, flink, f);
        if (!replies.decode(flinkReply).equals(replies.decode(ownReply))) {
            throw new IllegalStateException("the two benchmark replies differ");
        }
    }

    private static byte[] frame(int id, org.apache.avro.Schema schema, Object datum) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(id).array());
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<>(schema).write(datum, enc);
        enc.flush();
        return out.toByteArray();
    }

    /**
     * Baseline: what the response consumer did per record before replies were read by field: Avro's resolving reader
     * against the library's schema, then the fields taken by name into a RagResponse.
     */
    @Benchmark
    public Object replyDecodeStrictAndByName() {
        org.apache.avro.generic.GenericRecord r = strictReplies.decode(ownReply);
        java.util.List<io.kafkautility.response.RagResponse.Source> sources = new java.util.ArrayList<>();
        for (Object o : (Iterable<?>) r.get("sources")) {
            org.apache.avro.generic.GenericRecord s = (org.apache.avro.generic.GenericRecord) o;
            Object score = s.get("score");
            sources.add(new io.kafkautility.response.RagResponse.Source(s.get("documentId").toString(),
                    s.get("title") == null ? null : s.get("title").toString(),
                    score == null ? null : ((Number) score).doubleValue()));
        }
        return new io.kafkautility.response.RagResponse(r.get("sessionId").toString(), r.get("questionId").toString(),
                r.get("answer").toString(), sources, io.kafkautility.response.RagResponse.Status.valueOf(
                r.get("status").toString()), r.get("error") == null ? null : r.get("error").toString(),
                java.time.Instant.ofEpochMilli((Long) r.get("timestamp")));
    }

    /** Baseline: Avro's resolving reader alone (the library's schema), to a GenericRecord, no mapping. */
    @Benchmark
    public Object replyDecodeStrictBaseline() {
        return strictReplies.decode(ownReply);
    }

    /** The response consumer's decode of a reply in the library's own schema, to a RagResponse. */
    @Benchmark
    public Object replyDecodeOwnSchema() {
        return replies.decode(ownReply);
    }

    /** The same reply written by Flink's derived schema (nullable unions, string status). */
    @Benchmark
    public Object replyDecodeFlinkSchema() {
        return replies.decode(flinkReply);
    }

    @Benchmark
    public byte[] jacksonSerializeBaseline() throws Exception {
        return jackson.writeValueAsBytes(data);
    }

    @Benchmark
    public JsonNode jacksonParseBaseline() throws Exception {
        return jackson.readTree(bytes);
    }
}
