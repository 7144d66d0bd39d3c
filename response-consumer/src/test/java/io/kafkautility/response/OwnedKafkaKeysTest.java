package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.ResponderOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The five options classes check Kafka's own keys with one rule ({@code ClientProperties}): a key the library sets
 * itself is refused at the call with a {@link ConfigurationException} naming the class, the key and why; the value the
 * library sets anyway is accepted; any other key passes through unchanged.
 */
class OwnedKafkaKeysTest {

    private static final KafkaConnectionOptions CONNECTION = KafkaConnectionOptions.builder()
            .bootstrapServers("b:9092").build();

    /** A fresh builder of each options class, as a setter of one Kafka property. */
    private static Map<String, Supplier<BiConsumer<String, Object>>> builders() {
        Map<String, Supplier<BiConsumer<String, Object>>> b = new LinkedHashMap<>();
        b.put("ProducerOptions", () -> ProducerOptions.builder(CONNECTION)::kafkaProperty);
        b.put("ConsumerOptions", () -> ConsumerOptions.builder(CONNECTION, "g", "t")::kafkaProperty);
        b.put("RequestReplyOptions", () -> RequestReplyOptions.builder("requests", PayloadCodec.utf8(),
                PayloadCodec.utf8())::kafkaProperty);
        b.put("ResponderOptions", () -> ResponderOptions.builder(List.of("requests"), "g", PayloadCodec.utf8(),
                PayloadCodec.utf8())::kafkaProperty);
        b.put("ResponseConsumerOptions", () -> ResponseConsumerOptions.builder()::kafkaProperty);
        return b;
    }

    /** Per class, keys it owns with a value it refuses. */
    private static final Map<String, Map<String, Object>> REFUSED = Map.of(
            "ProducerOptions", Map.of("linger.ms", 5, "max.block.ms", 1000, "request.timeout.ms", 1000,
                    "delivery.timeout.ms", 1000, "key.serializer", StringSerializer.class,
                    "value.serializer", StringSerializer.class.getName(), "transactional.id", "tx"),
            "ConsumerOptions", Map.of("group.id", "other", "enable.auto.commit", true,
                    "key.deserializer", StringDeserializer.class, "value.deserializer", StringDeserializer.class),
            "RequestReplyOptions", Map.of("group.id", "g", "enable.auto.commit", "true",
                    "value.serializer", StringSerializer.class, "value.deserializer", StringDeserializer.class),
            "ResponderOptions", Map.of("group.id", "other", "enable.auto.commit", "true",
                    "key.serializer", StringSerializer.class, "key.deserializer", StringDeserializer.class),
            "ResponseConsumerOptions", Map.of("group.id", "g", "enable.auto.commit", true,
                    "value.deserializer", StringDeserializer.class));

    @Test
    void everyOptionsClassRefusesTheKeysItOwnsAtTheCallAndPassesTheRestThrough() {
        int refused = 0;
        for (Map.Entry<String, Supplier<BiConsumer<String, Object>>> e : builders().entrySet()) {
            String owner = e.getKey();
            for (Map.Entry<String, Object> key : REFUSED.get(owner).entrySet()) {
                Throwable t = catchThrowable(() -> e.getValue().get().accept(key.getKey(), key.getValue()));
                assertThat(t).as(owner + " " + key.getKey()).isInstanceOf(ConfigurationException.class)
                        .hasMessageStartingWith(owner + ": kafka property " + key.getKey());
                refused++;
            }
            // other keys pass, blank keys and null values never do
            e.getValue().get().accept("max.poll.records", 50);
            assertThat(catchThrowable(() -> e.getValue().get().accept(" ", 1)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(owner);
            assertThat(catchThrowable(() -> e.getValue().get().accept("fetch.min.bytes", null)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("fetch.min.bytes");
        }
        System.out.printf("OWNED KEYS %d refusals across %d options classes%n", refused, builders().size());
    }

    @Test
    void theValueTheLibrarySetsAnywayIsAcceptedAndTheReasonIsGiven() {
        ConsumerOptions consumer = ConsumerOptions.builder(CONNECTION, "g", "t")
                .kafkaProperty("enable.auto.commit", "false")
                .kafkaProperty("group.id", "g")
                .kafkaProperty("value.deserializer", ByteArrayDeserializer.class.getName())
                .handler("rag.test", (m, c) -> { })
                .build();
        assertThat(consumer.consumerProperties()).containsEntry("enable.auto.commit", false)
                .containsEntry("group.id", "g");
        assertThat(catchThrowable(() -> ResponderOptions.builder(List.of("requests"), "g", PayloadCodec.utf8(),
                PayloadCodec.utf8()).kafkaProperty("enable.auto.commit", true)))
                .hasMessage("ResponderOptions: kafka property enable.auto.commit must be false (offsets are committed "
                        + "only after a request is answered) but was true");
        assertThat(catchThrowable(() -> ProducerOptions.builder(CONNECTION).kafkaProperty("linger.ms", 5)))
                .hasMessage("ProducerOptions: kafka property linger.ms is set by the library (use linger(Duration))");
    }
}
