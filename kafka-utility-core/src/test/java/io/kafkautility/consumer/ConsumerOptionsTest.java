package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerOptionsTest {

    private final KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
            .bootstrapServers("localhost:9092").build();

    @Test
    void rejectsBadValuesAtTheCallNamingFieldAndValue() {
        assertThatThrownBy(() -> ConsumerOptions.builder(connection, " ", "t"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("groupId");
        assertThatThrownBy(() -> ConsumerOptions.builder(connection, "g", List.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("topics");
        ConsumerOptions.Builder b = ConsumerOptions.builder(connection, "g", "t");
        assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts must be >= 1 but was 0");
        assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("initialBackoff must be > 0 but was PT0S");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("initialBackoff must be <= maxBackoff");
        assertThatThrownBy(() -> b.closeTimeout(Duration.ofSeconds(-1))).hasMessageContaining("closeTimeout");
        assertThatThrownBy(b::build).hasMessageContaining("at least one handler");
    }

    @Test
    void fixesTheSettingsAtLeastOnceDependsOn() {
        assertThatThrownBy(() -> ConsumerOptions.builder(connection, "g", "orders")
                .kafkaProperty("enable.auto.commit", true)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("enable.auto.commit must be false");
        assertThatThrownBy(() -> ConsumerOptions.builder(connection, "g", "orders")
                .kafkaProperty("group.id", "other")).hasMessageContaining("group.id must be g");
        ConsumerOptions options = ConsumerOptions.builder(connection, "g", "orders")
                .kafkaProperty("max.poll.records", 50)
                .handler("rag.document.deleted", (m, c) -> { })
                .build();
        assertThat(options.consumerProperties())
                .containsEntry("enable.auto.commit", false)
                .containsEntry("group.id", "g")
                .containsEntry("max.poll.records", 50)
                .containsEntry("auto.offset.reset", "earliest");
        assertThat(options.deadLetterTopic("orders")).isEqualTo("orders.DLT");
        assertThat(options.toString()).contains("orders").doesNotContain("password");
    }

    @Test
    void concurrencyIsBoundedAndToBuilderKeepsEverySetting() {
        ConsumerOptions.Builder b = ConsumerOptions.builder(connection, "g", "t");
        assertThatThrownBy(() -> b.concurrency(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("concurrency must be between 1 and 64 but was 0");
        assertThatThrownBy(() -> b.concurrency(65)).hasMessageContaining("but was 65");
        MessageHandler handler = (m, c) -> { };
        ConsumerErrorListener listener = e -> { };
        ConsumerOptions options = b.concurrency(3).maxAttempts(5).backoff(Duration.ofMillis(10), Duration.ofSeconds(2))
                .deadLetterTopic(t -> t + ".dead").dedupWindow(100).closeTimeout(Duration.ofSeconds(3))
                .pollTimeout(Duration.ofMillis(50)).reconnectBackoff(Duration.ofMillis(20), Duration.ofSeconds(1))
                .deadLetterMaxBlock(Duration.ofSeconds(1)).kafkaProperty("max.poll.records", 7)
                .errorListener(listener).handler("rag.document.deleted", handler).build();
        assertThat(options.concurrency()).isEqualTo(3);
        assertThat(options.name()).isEqualTo("g");

        ConsumerOptions copy = options.toBuilder().build();
        assertThat(copy).usingRecursiveComparison().isEqualTo(options);
        ConsumerOptions member = options.toBuilder().name("g-1").concurrency(1).build();
        assertThat(member.name()).isEqualTo("g-1");
        assertThat(member.concurrency()).isEqualTo(1);
        assertThat(member.groupId()).isEqualTo("g");
        assertThat(member.handlers()).containsEntry("rag.document.deleted", handler);
        assertThat(member.deadLetterTopic("t")).isEqualTo("t.dead");
        assertThat(member.consumerProperties()).containsEntry("max.poll.records", 7);
        assertThat(member.errorListener()).isSameAs(listener);
        assertThat(ConsumerOptions.builder(connection, "g", "t").handler("x.y", handler).build().concurrency())
                .isEqualTo(ConsumerOptions.DEFAULT_CONCURRENCY);
    }
}
