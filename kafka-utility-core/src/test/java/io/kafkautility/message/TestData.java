package io.kafkautility.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Valid payloads of the standard types, for tests. */
public final class TestData {

    public static final String SOURCE = "/rag/test-service";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestData() {
    }

    public static ObjectNode json(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static ObjectNode documentProcessed() {
        return json("{\"documentId\":\"doc-42\",\"status\":\"success\",\"metadata\":{\"pages\":12},\"chunkCount\":37}");
    }

    public static ObjectNode querySubmitted() {
        return json("{\"queryId\":\"q-1\",\"query\":\"What is the vacation policy?\",\"userId\":\"user-7\",\"sessionId\":\"sess-9\"}");
    }

    public static Envelope envelope(MessageType type, JsonNode data) {
        return Envelope.builder().source(SOURCE).messageType(type).data(data).build();
    }

    public static Envelope processed() {
        return envelope(MessageTypes.DOCUMENT_PROCESSED, documentProcessed());
    }
}
