package io.kafkautility.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageValidatorSmokeTest {

    @Test
    void roundTripAndRejection() {
        MessageValidator validator = MessageValidator.create();
        ObjectNode data = new ObjectMapper().createObjectNode();
        data.put("documentId", "doc-1").put("status", "failed").put("chunkCount", 0).putObject("metadata");
        Envelope bad = Envelope.builder().source("/rag/document-service").messageType(MessageTypes.DOCUMENT_PROCESSED).data(data).build();
        assertThatThrownBy(() -> validator.requireValid(bad)).isInstanceOf(MessageValidationException.class)
                .satisfies(e -> System.out.println(e.getMessage()));
        data.putObject("error").put("code", "E1").put("message", "parse failed");
        Envelope ok = Envelope.builder().source("/rag/document-service").messageType(MessageTypes.DOCUMENT_PROCESSED).data(data).build();
        validator.requireValid(ok);
        byte[] bytes = validator.codec().encode(ok);
        System.out.println(new String(bytes));
        DecodeResult r = validator.decode(bytes, validator.codec().headers(ok));
        assertThat(r.isValid()).as(r.toString()).isTrue();
        assertThat(r.envelope()).isEqualTo(ok);
        System.out.println(validator.decode("[[[[".getBytes(), Map.of()));
    }
}
