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

    @Setup
    public void setUp() {
        // the library's whole send() against a MockProducer that acks at once: envelope, validation, encoding,
        // breaker, retry wrapper, metrics and the completion hand-off, without a network
        pool = io.kafkautility.producer.KafkaClientPool.builder().producerFactory(props -> new ForgetfulMockProducer())
                .build();
        mockProducer = pool.newProducer(io.kafkautility.producer.ProducerOptions.builder(
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

    /** Everything the library adds on the caller's thread before {@code KafkaProducer.send}. */
    @Benchmark
    public Object producerPath() {
        Envelope e = Envelope.builder().messageType(MessageTypes.DOCUMENT_PROCESSED).source("benchmark").data(data)
                .build();
        validator.requireValid(e);
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        codec.writeHeaders(e, headers);
        return new org.apache.kafka.clients.producer.ProducerRecord<>("t", null, new byte[0], codec.encode(e), headers);
    }

    /** The whole send() of the library through to an immediate ack (MockProducer), completion included. */
    @Benchmark
    public Object sendToMockProducer() throws Exception {
        return mockProducer.send("t", "k", MessageTypes.DOCUMENT_PROCESSED, data).get();
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
    }

    /** Everything the library adds on the consumer's worker per record before the handler. */
    @Benchmark
    public Object consumerPath() {
        return validator.decode(bytes, java.util.Map.of());
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
