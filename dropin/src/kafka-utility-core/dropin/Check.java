package dropin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import java.time.Duration;
import java.util.Map;

/** kafka-utility-core alone: validate, encode and decode an event; a producer and a consumer started and closed. */
public final class Check {
    public static void main(String[] args) {
        MessageValidator validator = MessageValidator.create();
        ObjectNode data = new ObjectMapper().createObjectNode().put("documentId", "doc-1")
                .put("deletedAt", "2026-12-04T10:00:00Z");
        Envelope event = Envelope.builder().messageType(MessageTypes.DOCUMENT_DELETED).source("dropin")
                .data(data).build();
        byte[] bytes = validator.encodeValid(event);
        DecodeResult decoded = validator.decode(bytes, Map.of());
        if (!decoded.isValid() || !decoded.envelope().id().equals(event.id())) {
            throw new AssertionError("round trip failed: " + decoded.message());
        }
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers("127.0.0.1:9").build();
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(kafka).source("dropin").build());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(kafka, "dropin", "rag.documents")
                     .pool(pool).closeTimeout(Duration.ofSeconds(2))
                     .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> { }).build())) {
            consumer.start();
        }
        System.out.println("DROPIN kafka-utility-core OK");
    }
}
