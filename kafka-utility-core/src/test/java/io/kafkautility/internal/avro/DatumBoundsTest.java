package io.kafkautility.internal.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The allocation-free walk over a datum that checks its claimed lengths before Avro's reader allocates for them. */
class DatumBoundsTest {

    static final Schema EVERY_TYPE = new Schema.Parser().parse("""
            {"type":"record","name":"All","namespace":"t","fields":[
              {"name":"n","type":"null"},
              {"name":"b","type":"boolean"},
              {"name":"i","type":"int"},
              {"name":"l","type":"long"},
              {"name":"f","type":"float"},
              {"name":"d","type":"double"},
              {"name":"s","type":"string"},
              {"name":"bytes","type":"bytes"},
              {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
              {"name":"fx","type":{"type":"fixed","name":"F","size":3}},
              {"name":"u","type":["null","string"]},
              {"name":"list","type":{"type":"array","items":"string"}},
              {"name":"nulls","type":{"type":"array","items":"null"}},
              {"name":"m","type":{"type":"map","values":"long"}},
              {"name":"next","type":["null","All"]}]}""");

    static GenericRecord every(GenericRecord next) {
        GenericRecord r = new GenericData.Record(EVERY_TYPE);
        r.put("n", null);
        r.put("b", true);
        r.put("i", -123_456);
        r.put("l", Long.MIN_VALUE);
        r.put("f", 1.5f);
        r.put("d", -2.25);
        r.put("s", "olá");
        r.put("bytes", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        r.put("e", new GenericData.EnumSymbol(EVERY_TYPE.getField("e").schema(), "B"));
        r.put("fx", new GenericData.Fixed(EVERY_TYPE.getField("fx").schema(), new byte[] {7, 8, 9}));
        r.put("u", "x");
        r.put("list", List.of("a", "bb", "ccc"));
        r.put("nulls", Arrays.asList(null, null));
        r.put("m", Map.of("k1", 1L, "k2", 2L));
        r.put("next", next);
        return r;
    }

    static byte[] encode(GenericRecord r, boolean blocking) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // the blocking encoder writes arrays and maps as negative counts followed by the block's byte size
        BinaryEncoder enc = blocking ? EncoderFactory.get().blockingBinaryEncoder(out, null)
                : EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(r.getSchema()).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void aValidDatumOfEveryTypeEndsWhereItsBytesEndAndEveryCutIsTruncated() throws IOException {
        DatumBounds bounds = new DatumBounds(EVERY_TYPE);
        assertThat(encode(every(null), true)).as("blocks with sizes").isNotEqualTo(encode(every(null), false));
        for (boolean blocking : new boolean[] {false, true}) {
            byte[] bytes = encode(every(every(null)), blocking);
            assertThat(bounds.end(bytes, 0, 1)).as("blocking %s", blocking).isEqualTo(bytes.length);
            byte[] framed = new byte[bytes.length + 5];
            System.arraycopy(bytes, 0, framed, 5, bytes.length);
            assertThat(bounds.end(framed, 5, 1)).isEqualTo(framed.length);
            for (int cut = 0; cut < bytes.length; cut++) {
                byte[] prefix = Arrays.copyOf(bytes, cut);
                assertThatThrownBy(() -> bounds.end(prefix, 0, 1)).as("cut at %d", cut)
                        .isInstanceOfSatisfying(AvroDecodingException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
            }
        }
    }

    @Test
    void claimsBeyondTheBytesAreTruncatedAndImpossibleValuesUndecodable() {
        Schema strings = new Schema.Parser().parse("{\"type\":\"array\",\"items\":\"string\"}");
        Schema union = new Schema.Parser().parse("[\"null\",\"string\"]");
        Schema text = Schema.create(Schema.Type.STRING);
        Schema nulls = new Schema.Parser().parse("{\"type\":\"array\",\"items\":\"null\"}");
        assertReason(text, new byte[] {(byte) 0x80, (byte) 0x84, (byte) 0xaf, 0x5f}, Reason.TRUNCATED); // 10^8 bytes
        assertReason(strings, new byte[] {(byte) 0x80, (byte) 0x84, (byte) 0xaf, 0x5f, 2, 'a'}, Reason.TRUNCATED);
        assertReason(text, new byte[] {0x01}, Reason.UNDECODABLE); // length -1
        assertReason(union, new byte[] {0x04, 2, 'a'}, Reason.UNDECODABLE); // branch 2 of 2
        assertReason(text, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, Reason.UNDECODABLE); // 11-byte number
        // items of no bytes: a count is all there is, within what an array can hold
        assertThat(new DatumBounds(nulls).end(new byte[] {(byte) 0x80, (byte) 0x84, (byte) 0xaf, 0x5f, 0}, 0, 1))
                .isEqualTo(5);
        assertReason(nulls, new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x1f, 0},
                Reason.UNDECODABLE); // 2^32 - 1 items
    }

    private static void assertReason(Schema schema, byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> new DatumBounds(schema).end(bytes, 0, 7))
                .isInstanceOfSatisfying(AvroDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.schemaId()).isEqualTo(7);
                });
    }
}
