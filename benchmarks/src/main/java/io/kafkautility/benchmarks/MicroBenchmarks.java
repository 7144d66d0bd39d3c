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

    @Setup
    public void setUp() {
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
