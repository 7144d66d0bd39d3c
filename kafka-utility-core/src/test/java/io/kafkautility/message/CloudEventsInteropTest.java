package io.kafkautility.message;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.kafkautility.MessageHeaders;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudEvents Java SDK interoperability on ProducerRecord / ConsumerRecord objects (the same exchange through a real
 * broker is {@code CloudEventsInteropIT}).
 */
class CloudEventsInteropTest {

    private static final String TOPIC = "interop";
    private final MessageValidator validator = MessageValidator.create();

    @Test
    void theSdkReadsOurRecords() {
        Envelope e = CloudEventsInterop.ours();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, "doc-42", validator.encodeValid(e));
        validator.codec().writeHeaders(e, record.headers());
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            deserializer.configure(Map.of(), false);
            CloudEvent event = deserializer.deserialize(TOPIC, record.headers(), record.value());
            CloudEventsInterop.assertSdkSees(event, e);
        }
    }

    @Test
    void weReadStructuredRecordsTheSdkWrites() {
        assertWeRead("STRUCTURED");
    }

    @Test
    void weReadBinaryRecordsTheSdkWrites() {
        assertWeRead("BINARY");
    }

    private void assertWeRead(String encoding) {
        CloudEvent event = CloudEventsInterop.theirs("sdk-" + encoding);
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        try (CloudEventSerializer serializer = new CloudEventSerializer()) {
            serializer.configure(CloudEventsInterop.serializerConfig(encoding), false);
            value = serializer.serialize(TOPIC, headers, event);
        }
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(TOPIC, 0, 0L, 0L, TimestampType.CREATE_TIME,
                0, value.length, "sess-9", value, headers, Optional.empty());
        Map<String, String> headerMap = EnvelopeCodec.headerMap(record.headers());
        if (encoding.equals("STRUCTURED")) {
            assertThat(headerMap.get(MessageHeaders.CONTENT_TYPE)).startsWith("application/cloudevents+json");
        } else {
            assertThat(headerMap).containsKey("ce_specversion");
        }
        DecodeResult r = validator.decode(record.value(), headerMap);
        assertThat(r.isValid()).as(r.toString()).isTrue();
        CloudEventsInterop.assertWeSee(r.envelope(), event);
    }
}
