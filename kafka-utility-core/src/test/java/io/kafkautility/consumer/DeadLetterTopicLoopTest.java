package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dead-letter topic naming that would feed failures back into the consumer is rejected when options are built. */
class DeadLetterTopicLoopTest {

    private static final KafkaConnectionOptions CONNECTION = KafkaConnectionOptions.builder()
            .bootstrapServers("localhost:9092").build();

    private static ConsumerOptions.Builder builder(List<String> topics) {
        return ConsumerOptions.builder(CONNECTION, "g", topics).handler("rag.document.deleted", (m, c) -> { });
    }

    @Test
    void theDefaultNamingOfADeadLetterConsumerGoesOneLevelDown() {
        ConsumerOptions options = builder(List.of("t.DLT")).build();
        assertThat(options.deadLetterTopic("t.DLT")).isEqualTo("t.DLT.DLT");
    }

    @Test
    void aNamingMappingATopicOntoItselfIsRejected() {
        assertThatThrownBy(() -> builder(List.of("t.DLT")).deadLetterTopic(t -> t.endsWith(".DLT") ? t : t + ".DLT")
                .build()).isInstanceOf(ConfigurationException.class)
                .hasMessage("the dead-letter topic of 't.DLT' must be a topic this consumer does not read but was "
                        + "'t.DLT'");
    }

    @Test
    void aNamingMappingOntoAnotherConsumedTopicOrBlankIsRejected() {
        assertThatThrownBy(() -> builder(List.of("a", "a.DLT")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'a.DLT'");
        assertThatThrownBy(() -> builder(List.of("a")).deadLetterTopic(t -> " ").build())
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> builder(List.of("a")).deadLetterTopic(t -> null).build())
                .isInstanceOf(ConfigurationException.class);
    }
}
