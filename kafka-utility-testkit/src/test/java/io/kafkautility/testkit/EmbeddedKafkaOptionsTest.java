package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaOptionsTest {

    @Test
    void defaultsFitTheBrokerCount() {
        assertThat(EmbeddedKafkaOptions.defaults().effectiveBrokerProperties())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false");
        assertThat(EmbeddedKafkaOptions.builder().brokers(3).build().effectiveBrokerProperties())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void explicitPropertiesWin() {
        assertThat(EmbeddedKafkaOptions.builder().brokers(3).brokerProperty("min.insync.replicas", 2)
                .autoCreateTopics(true).build().effectiveBrokerProperties())
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("auto.create.topics.enable", "true");
    }

    @Test
    void rejectsBadValuesAtTheCall() {
        assertThatThrownBy(() -> EmbeddedKafkaOptions.builder().brokers(0))
                .hasMessage("brokers must be between 1 and 9 but was 0");
        assertThatThrownBy(() -> EmbeddedKafkaOptions.builder().startupTimeout(Duration.ZERO))
                .hasMessage("startupTimeout must be > 0 but was PT0S");
        assertThatThrownBy(() -> EmbeddedKafkaOptions.builder().brokerProperty("offsets.topic.replication.factor", 3)
                .build()).hasMessage("offsets.topic.replication.factor must be <= brokers (1) but was 3");
    }

    @Test
    void topicNamesAreUniqueAndLegal() {
        String a = TopicNames.unique("my topic/x");
        assertThat(a).matches("my_topic_x-[0-9a-f]{12}");
        assertThat(TopicNames.unique("t")).isNotEqualTo(TopicNames.unique("t"));
    }
}
