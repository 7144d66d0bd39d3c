package io.kafkautility.avro;

/**
 * Constants of the Confluent wire format: one magic byte {@value #MAGIC_BYTE}, the schema id as a 4-byte big-endian
 * int, then the Avro binary encoding of the datum.
 */
public final class AvroWireFormat {

    private AvroWireFormat() {
    }

    /** First byte of every framed record. */
    public static final byte MAGIC_BYTE = 0;

    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    /** Confluent's default subject for a topic's record values ({@code TopicNameStrategy}). */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
