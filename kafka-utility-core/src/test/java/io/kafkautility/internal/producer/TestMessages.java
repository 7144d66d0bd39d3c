package io.kafkautility.internal.producer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;

/** Envelopes for producer tests. */
public final class TestMessages {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestMessages() {
    }

    public static ObjectNode uploadedData(String documentId) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("documentId", documentId);
        data.put("fileName", "handbook.pdf");
        data.put("contentType", "application/pdf");
        data.put("sizeBytes", 123456);
        data.put("uploadedAt", "2026-11-22T10:15:30Z");
        return data;
    }

    public static Envelope valid(String documentId) {
        return Envelope.builder().messageType(MessageTypes.DOCUMENT_UPLOADED).source("test").data(uploadedData(documentId)).build();
    }

    /** Schema-invalid: sizeBytes is a string and fileName is missing. */
    public static Envelope invalid() {
        ObjectNode data = uploadedData("doc-bad");
        data.remove("fileName");
        data.put("sizeBytes", "big");
        return Envelope.builder().messageType(MessageTypes.DOCUMENT_UPLOADED).source("test").data(data).build();
    }
}
