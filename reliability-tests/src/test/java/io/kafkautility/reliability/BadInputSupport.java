package io.kafkautility.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * Helpers of {@link BadInputIT}, {@link MalformedInputIT} and {@link SecurityIT}: envelopes, raw reads, counters and a
 * captured stderr.
 */
final class BadInputSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private BadInputSupport() {
    }

    /** A valid rag.document.deleted envelope with this message id. */
    static Envelope deleted(String id) {
        ObjectNode data = JSON.createObjectNode().put("documentId", "doc-" + id).put("deletedAt",
                "2026-11-22T10:00:00Z");
        return Envelope.builder().id(id).source("/reliability/bad-input").messageType(MessageTypes.DOCUMENT_DELETED)
                .data(data).build();
    }

    /** A valid rag.llm.response.chunk envelope whose delta is {@code deltaChars} random (incompressible) characters. */
    static Envelope chunk(String id, int deltaChars) {
        return chunk(id, random(deltaChars));
    }

    /** A valid rag.llm.response.chunk envelope with this delta. */
    static Envelope chunk(String id, String delta) {
        ObjectNode data = JSON.createObjectNode().put("requestId", "r-" + id).put("queryId", "q-" + id)
                .put("sequence", 0).put("delta", delta).put("final", true);
        return Envelope.builder().id(id).source("/reliability/bad-input").messageType(MessageTypes.LLM_RESPONSE_CHUNK)
                .data(data).build();
    }

    /**
     * For {@link io.kafkautility.testkit.fault.ReliabilityLedger#sendCompleted}: null for success, else the Kafka
     * error under the library's exception (or the library's exception itself when it has no cause: ambiguous).
     */
    static Throwable kafkaError(Throwable libraryError) {
        if (libraryError == null) {
            return null;
        }
        Throwable e = io.kafkautility.internal.producer.SendFailures.unwrap(libraryError);
        return e.getCause() != null ? e.getCause() : e;
    }

    static String random(int chars) {
        char[] c = new char[chars];
        for (int i = 0; i < chars; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    /** Raw CloudEvents JSON text of a rag.document.deleted event with the given (possibly hostile) id and type. */
    static String rawEnvelope(String id, String type) {
        ObjectNode n = JSON.createObjectNode().put("specversion", "1.0").put("id", id).put("source", "/it")
                .put("type", type).put("datacontenttype", "application/json")
                .put("dataschema", "https://kafkautility.io/schemas/rag.document.deleted.v1.schema.json")
                .put("time", "2026-11-22T10:00:00Z");
        n.putObject("data").put("documentId", "d-1").put("deletedAt", "2026-11-22T10:00:00Z");
        return n.toString();
    }

    /**
     * Raw CloudEvents JSON text of an envelope of {@code type} claiming schema major version {@code major}, with
     * {@code dataJson} spliced in verbatim as its data (so the data may be anything, including invalid or hostile JSON).
     */
    static String envelopeText(String id, String type, int major, String dataJson) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/reliability/bad-input\",\"type\":\""
                + type + "\",\"datacontenttype\":\"application/json\",\"dataschema\":\"https://kafkautility.io/schemas/"
                + type + ".v" + major + ".schema.json\",\"time\":\"2026-11-22T10:00:00Z\",\"data\":" + dataJson + "}";
    }

    /** Sum of a counter's values over all its tag combinations matching {@code tags} (key, value, ...). */
    static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Reads {@code topic} from the beginning until at least {@code expected} records arrived (30 s at most). */
    static List<ConsumerRecord<byte[], byte[]>> read(Map<String, Object> clientProperties, String topic,
                                                     int expected) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
            // anything beyond what was expected (e.g. a loop writing more) shows up within a few more polls
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String id(ConsumerRecord<byte[], byte[]> r) {
        return header(r, MessageHeaders.MESSAGE_ID);
    }

    /** Tees System.err and System.out into a buffer while open (slf4j-simple writes to the current System.err). */
    static final class StdCapture implements AutoCloseable {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final PrintStream originalErr = System.err;
        private final PrintStream originalOut = System.out;

        StdCapture() {
            PrintStream tee = new PrintStream(new Tee(buffer, originalErr), true, StandardCharsets.UTF_8);
            System.setErr(tee);
            System.setOut(tee);
        }

        /** Everything captured so far. */
        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }

        /** Captured lines (split on CR, LF or CRLF, as a log reader or terminal would). */
        List<String> lines() {
            return List.of(text().split("\r\n|\r|\n"));
        }

        @Override
        public void close() {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    private static final class Tee extends OutputStream {
        private final ByteArrayOutputStream a;
        private final OutputStream b;

        Tee(ByteArrayOutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            synchronized (a) {
                a.write(c);
            }
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            synchronized (a) {
                a.write(buf, off, len);
            }
            b.write(buf, off, len);
        }
    }
}
