package io.kafkautility.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;

/** The 1 KiB event every benchmark sends: a {@code rag.document.processed} with metadata. */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** The event's data (about 1 KiB once enveloped). */
    static JsonNode data(int i) {
        ObjectNode data = JSON.createObjectNode();
        data.put("documentId", "doc-" + i);
        data.put("status", "success");
        data.put("chunkCount", 42);
        ObjectNode metadata = data.putObject("metadata");
        for (int k = 0; k < 14; k++) {
            metadata.put("key" + k, "value-of-metadata-entry-" + k + "-xxxxxxxxxxxx");
        }
        return data;
    }

    /**
     * Data of about {@code bytes} once written (at least the required fields: about 60 bytes): metadata entries of
     * up to 1 KiB each fill it up.
     */
    static JsonNode dataOfSize(int bytes) {
        ObjectNode data = JSON.createObjectNode();
        data.put("documentId", "doc-0");
        data.put("status", "success");
        data.put("chunkCount", 42);
        ObjectNode metadata = data.putObject("metadata");
        int size = data.toString().length();
        for (int k = 0; size < bytes; k++) {
            int value = Math.min(1024, Math.max(1, bytes - size - 20));
            metadata.put("key" + k, "v".repeat(value));
            size = data.toString().length();
        }
        return data;
    }

    static Envelope envelope(int i) {
        return Envelope.builder().messageType(MessageTypes.DOCUMENT_PROCESSED).source("benchmark")
                .subject("doc-" + i).data(data(i)).build();
    }

    /** The pre-serialized event the raw baselines send. */
    static byte[] bytes(EnvelopeCodec codec, int i) {
        return codec.encode(envelope(i));
    }
}
