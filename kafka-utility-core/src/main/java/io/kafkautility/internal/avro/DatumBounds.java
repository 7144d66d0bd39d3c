package io.kafkautility.internal.avro;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks one Avro binary datum of a writer schema over the raw bytes, allocating nothing, and checks every length and
 * item count the bytes claim against the bytes actually left. Avro's reader allocates for a claim before it reads it:
 * a 10-byte record claiming a 2 GB string or 10^8 array items cost seconds and gigabytes of heap (or an
 * OutOfMemoryError, possibly in another thread) before it turned out to be truncated. Walking first costs a fraction of
 * a read. Only an array (or map) of items that take no bytes at all ({@code null}, empty records, {@code fixed} of size
 * 0) can still claim more items than it has bytes; no real schema has one.
 *
 * <p>One per writer schema; immutable and thread-safe.
 */
final class DatumBounds {

    private final Schema schema;
    /** The fewest bytes a datum of each schema reachable from {@link #schema} takes. */
    private final Map<Schema, Integer> minWidths = new IdentityHashMap<>();

    DatumBounds(Schema writer) {
        this.schema = writer;
        minWidth(writer);
    }

    /**
     * The offset just past the datum of the writer schema that starts at {@code offset}.
     *
     * @throws AvroDecodingException {@code TRUNCATED} if the bytes end first (a length or count claims more than is
     *                               left), {@code UNDECODABLE} for a negative length, an invalid variable-length number
     *                               or a union branch that does not exist
     */
    int end(byte[] bytes, int offset, int schemaId) {
        Cursor c = new Cursor(bytes, offset, schemaId);
        walk(schema, c);
        return c.pos;
    }

    private void walk(Schema s, Cursor c) {
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> c.skip(1);
            case INT, LONG, ENUM -> c.varint();
            case FLOAT -> c.skip(4);
            case DOUBLE -> c.skip(8);
            case FIXED -> c.skip(s.getFixedSize());
            case STRING, BYTES -> c.skip(c.length());
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), c);
                }
            }
            case UNION -> {
                long branch = c.varint();
                if (branch < 0 || branch >= s.getTypes().size()) {
                    throw c.malformed("union branch " + branch + " of " + s.getTypes().size());
                }
                walk(s.getTypes().get((int) branch), c);
            }
            case ARRAY -> items(s.getElementType(), false, c);
            case MAP -> items(s.getValueType(), true, c);
            default -> throw c.malformed("unsupported schema type " + s.getType());
        }
    }

    /** Array or map blocks: a count, items, ... up to a count of 0; a negative count is followed by a byte size. */
    private void items(Schema item, boolean map, Cursor c) {
        int width = (map ? 1 : 0) + minWidths.get(item); // a map entry also has its key, a string
        for (long count = c.varint(); count != 0; count = c.varint()) {
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw c.malformed("block count " + count);
                }
                count = -count;
                c.varint(); // the block's size in bytes, ignored as Avro's reader ignores it
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw c.malformed("block of " + count + " items");
            }
            if (width == 0) {
                continue; // items of no bytes: nothing to walk
            }
            if (count > c.remaining() / width) {
                throw c.truncated("a block claims " + count + " items of at least " + width + " bytes");
            }
            for (long i = 0; i < count; i++) {
                if (map) {
                    c.skip(c.length());
                }
                walk(item, c);
            }
        }
    }

    private int minWidth(Schema s) {
        Integer known = minWidths.get(s);
        if (known != null) {
            return known;
        }
        int width = switch (s.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case RECORD -> {
                minWidths.put(s, 0); // a record reached again through its own fields: 0 is a safe lower bound
                int sum = 0;
                for (Schema.Field f : s.getFields()) {
                    sum += minWidth(f.schema());
                }
                yield sum;
            }
            default -> 1; // a boolean, a variable-length number, a length, a union branch, a block count
        };
        minWidths.put(s, width);
        switch (s.getType()) {
            case ARRAY -> minWidth(s.getElementType());
            case MAP -> minWidth(s.getValueType());
            case UNION -> s.getTypes().forEach(this::minWidth);
            default -> { }
        }
        return width;
    }

    /** A position in the bytes being walked. */
    private static final class Cursor {
        private final byte[] bytes;
        private final int schemaId;
        private int pos;

        Cursor(byte[] bytes, int pos, int schemaId) {
            this.bytes = bytes;
            this.pos = pos;
            this.schemaId = schemaId;
        }

        int remaining() {
            return bytes.length - pos;
        }

        void skip(long n) {
            if (n > remaining()) {
                throw truncated("claims " + n + " bytes");
            }
            pos += (int) n;
        }

        /** A string's or bytes' length. */
        long length() {
            long n = varint();
            if (n < 0) {
                throw malformed("negative length " + n);
            }
            return n;
        }

        /** Avro's zig-zag variable-length long. */
        long varint() {
            long raw = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= bytes.length) {
                    throw truncated("ends inside a number");
                }
                int b = bytes[pos++] & 0xff;
                raw |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw malformed("invalid variable-length number");
        }

        AvroDecodingException truncated(String what) {
            return new AvroDecodingException(Reason.TRUNCATED, schemaId, "datum of schema id " + schemaId
                    + " ends early: " + what + ", " + remaining() + " left", null);
        }

        AvroDecodingException malformed(String what) {
            return new AvroDecodingException(Reason.UNDECODABLE, schemaId, "bytes are not a valid datum of schema id "
                    + schemaId + ": " + what, null);
        }
    }
}
