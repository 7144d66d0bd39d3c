package io.kafkautility.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Confluent wire format against the in-JVM registry server (real HTTP on loopback). */
class AvroWireCodecTest {

    static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Reply","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"}]}""");
    static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Reply","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"},
              {"name":"lang","type":"string","default":"pt"}]}""");
    static final Schema INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Reply","namespace":"t","fields":[{"name":"id","type":"int"}]}""");

    SchemaRegistryServer server;

    @BeforeEach
    void start() {
        server = SchemaRegistryServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    SchemaRegistryClient client() {
        return SchemaRegistryClient.create(SchemaRegistryOptions.builder(server.url()).build());
    }

    static GenericRecord v1(String id, String text) {
        GenericRecord r = new GenericData.Record(V1);
        r.put("id", id);
        r.put("text", text);
        return r;
    }

    @Test
    void roundTripRegistersOnceAndFramesWithTheId() {
        SchemaRegistryClient registry = client();
        AvroWireEncoder encoder = AvroWireEncoder.create(registry, "replies-value", V1);
        byte[] bytes = encoder.encode(v1("a", "olá"));
        encoder.encode(v1("b", "x"));
        int id = registry.latest("replies-value").id();
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);

        GenericRecord decoded = AvroWireDecoder.create(client(), V1).decode(bytes);
        assertThat(decoded.get("id").toString()).isEqualTo("a");
        assertThat(decoded.get("text").toString()).isEqualTo("olá");
    }

    @Test
    void olderWriterSchemaIsResolvedAgainstNewerReader() {
        byte[] old = AvroWireEncoder.create(client(), "s-value", V1).encode(v1("a", "t"));
        GenericRecord r = AvroWireDecoder.create(client(), V2).decode(old);
        assertThat(r.get("lang").toString()).isEqualTo("pt");

        GenericRecord newer = new GenericData.Record(V2);
        newer.put("id", "n");
        newer.put("text", "t2");
        newer.put("lang", "en");
        byte[] bytes = AvroWireEncoder.create(client(), "s-value", V2).encode(newer);
        GenericRecord asV1 = AvroWireDecoder.create(client(), V1).decode(bytes);
        assertThat(asV1.get("id").toString()).isEqualTo("n");
        assertThat(asV1.getSchema().getField("lang")).isNull();
    }

    @Test
    void everyKindOfBadInputHasItsReason() {
        byte[] good = AvroWireEncoder.create(client(), "s-value", V1).encode(v1("id-1", "some text"));
        AvroWireDecoder decoder = AvroWireDecoder.create(client(), V1);
        assertReason(decoder, null, Reason.NULL_VALUE);
        assertReason(decoder, new byte[0], Reason.EMPTY);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        assertReason(decoder, wrongMagic, Reason.WRONG_MAGIC_BYTE);
        assertReason(decoder, new byte[] {0, 0, 0}, Reason.TRUNCATED);
        assertReason(decoder, Arrays.copyOf(good, good.length - 3), Reason.TRUNCATED);
        byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        assertReason(decoder, unknownId, Reason.UNKNOWN_SCHEMA_ID);
        byte[] garbage = Arrays.copyOf(good, 6);
        garbage[5] = 0x01; // zig-zag -1: a negative string length
        assertReason(decoder, garbage, Reason.UNDECODABLE);
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertReason(decoder, trailing, Reason.UNDECODABLE);

        int incompatibleId = server.register("other-value", INCOMPATIBLE.toString());
        byte[] incompatible = good.clone();
        java.nio.ByteBuffer.wrap(incompatible, 1, 4).putInt(incompatibleId);
        assertReason(decoder, incompatible, Reason.INCOMPATIBLE_SCHEMA);
        assertReason(decoder, incompatible, Reason.INCOMPATIBLE_SCHEMA); // decided once, the same every time
        // still decodes good records afterwards
        assertThat(decoder.decode(good).get("id").toString()).isEqualTo("id-1");
    }

    /**
     * Regression: a few bytes claiming a 100,000,000-byte string or 100,000,000 array items made the reader allocate
     * for the claim (hundreds of MB, about a second per record, an OutOfMemoryError for a claim near 2^31) before it
     * found the record ends after them. The claim is now checked against the bytes actually there first.
     */
    @Test
    void aFewBytesClaimingAHugeStringOrArrayAreTruncatedWithoutAllocatingForTheClaim() {
        Schema listed = new Schema.Parser().parse("""
                {"type":"record","name":"Listed","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"tags","type":{"type":"array","items":"string"}},
                  {"name":"attributes","type":{"type":"map","values":"string"}}]}""");
        int id = server.register("listed-value", listed.toString());
        AvroWireDecoder decoder = AvroWireDecoder.create(client(), listed);
        GenericRecord ok = new GenericData.Record(listed);
        ok.put("id", "a");
        ok.put("tags", java.util.List.of("x"));
        ok.put("attributes", java.util.Map.of("k", "v"));
        assertThat(decoder.decode(AvroWireEncoder.create(client(), "listed-value", listed).encode(ok)).get("id")
                .toString()).isEqualTo("a"); // the writer schema is fetched and cached before measuring
        long claim = 100_000_000L;
        byte[] hugeString = framed(id, varint(claim));
        byte[] hugeArray = framed(id, new byte[] {2, 'a'}, varint(claim));
        byte[] hugeMap = framed(id, new byte[] {2, 'a', 0}, varint(claim));
        byte[] nearIntMax = framed(id, varint(Integer.MAX_VALUE - 16L));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (byte[] hostile : java.util.List.of(hugeString, hugeArray, hugeMap, nearIntMax)) {
            assertReason(decoder, hostile, Reason.TRUNCATED);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated decoding 4 hostile records of at most 16 bytes")
                .isLessThan(4L * 1024 * 1024);
    }

    /** Confluent framing of schema {@code id} around the concatenated {@code parts}. */
    private static byte[] framed(int id, byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(AvroWireFormat.MAGIC_BYTE);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(id).array());
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Avro's zig-zag variable-length encoding of {@code n}. */
    private static byte[] varint(long n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    @Test
    void unknownIdsAreCachedForABoundedTime() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        SchemaRegistryClient registry = SchemaRegistryClient.create(SchemaRegistryOptions.builder(server.url())
                .negativeCacheTtl(Duration.ofSeconds(30)).clock(clock).build());
        long before = server.requestCount();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> registry.writerSchema(999)).isInstanceOf(UnknownSchemaException.class);
        }
        assertThat(server.requestCount() - before).isEqualTo(1);
        now.set(now.get().plusSeconds(31));
        assertThatThrownBy(() -> registry.writerSchema(999)).isInstanceOf(UnknownSchemaException.class);
        assertThat(server.requestCount() - before).isEqualTo(2);
    }

    @Test
    void registryDownIsRetriableAndCachedSchemasStillWork() {
        SchemaRegistryClient registry = client();
        byte[] good = AvroWireEncoder.create(registry, "s-value", V1).encode(v1("a", "b"));
        AvroWireDecoder decoder = AvroWireDecoder.create(client(), V1);
        server.unavailable(true);
        AvroDecodingException e = catchDecoding(decoder, good);
        assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(e.isRetriable()).isTrue();
        server.unavailable(false);
        decoder.decode(good);
        server.unavailable(true);
        assertThat(decoder.decode(good).get("id").toString()).isEqualTo("a");
    }

    @Test
    void nothingListeningIsRetriable() {
        String url = server.url();
        byte[] good = AvroWireEncoder.create(client(), "s-value", V1).encode(v1("a", "b"));
        server.close();
        AvroWireDecoder decoder = AvroWireDecoder.create(SchemaRegistryClient.create(
                SchemaRegistryOptions.builder(url).connectTimeout(Duration.ofSeconds(2)).build()), V1);
        assertThat(catchDecoding(decoder, good).reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
    }

    @Test
    void basicAuthIsSentAndMissingCredentialsAreNotRetriable() {
        server.close();
        server = SchemaRegistryServer.start("ui", "s3cret");
        SchemaRegistryOptions withAuth = SchemaRegistryOptions.builder(server.url()).basicAuth("ui", "s3cret").build();
        assertThat(withAuth.toString()).doesNotContain("s3cret").contains("[hidden]");
        byte[] good = AvroWireEncoder.create(SchemaRegistryClient.create(withAuth), "s-value", V1).encode(v1("a", "b"));
        assertThat(AvroWireDecoder.create(SchemaRegistryClient.create(withAuth), V1).decode(good)).isNotNull();

        AvroWireDecoder anonymous = AvroWireDecoder.create(client(), V1);
        AvroDecodingException e = catchDecoding(anonymous, good);
        assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE);
        assertThat(e.getMessage()).contains("401").doesNotContain("s3cret");
        SchemaRegistryException cause = (SchemaRegistryException) e.getCause();
        assertThat(cause.isRetriable()).isFalse();
        assertThat(cause.statusCode()).isEqualTo(401);
    }

    @Test
    void optionsRejectBadValues() {
        assertThatThrownBy(() -> SchemaRegistryOptions.builder("ftp://x")).hasMessageContaining("http");
        assertThatThrownBy(() -> SchemaRegistryOptions.builder("http://u:p@x"))
                .hasMessageContaining("credentials").hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> SchemaRegistryOptions.builder("http://x").requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout must be > 0 but was PT0S");
        assertThatThrownBy(() -> SchemaRegistryOptions.fromEnvironment(java.util.Map.of()))
                .hasMessageContaining("KAFKA_SCHEMA_REGISTRY_URL");
        assertThat(SchemaRegistryOptions.builder("http://x:1/").build().url().toString()).isEqualTo("http://x:1");
    }

    private static void assertReason(AvroWireDecoder decoder, byte[] bytes, Reason reason) {
        AvroDecodingException e = catchDecoding(decoder, bytes);
        assertThat(e.reason()).as("reason for %s", bytes == null ? "null" : bytes.length + " bytes").isEqualTo(reason);
        assertThat(e.isRetriable()).isFalse();
    }

    private static AvroDecodingException catchDecoding(AvroWireDecoder decoder, byte[] bytes) {
        try {
            decoder.decode(bytes);
        } catch (AvroDecodingException e) {
            return e;
        }
        throw new AssertionError("decoding should have failed");
    }
}
