package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseConsumerOptionsTest {

    static final Map<String, String> ENV = Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092",
            "KAFKA_SCHEMA_REGISTRY_URL", "http://registry:8081");

    @Test
    void defaultsMatchTheUiContract() {
        ResponseConsumerOptions o = ResponseConsumerOptions.fromEnvironment(ENV).build();
        assertThat(o.topic()).isEqualTo("respostas");
        assertThat(o.groupId()).isEqualTo("rag-flink-ui-group");
        // every instance reads every reply by default: no group, whatever the environment's group id says
        assertThat(o.mode()).isEqualTo(ResponseConsumerOptions.Mode.BROADCAST);
        assertThat(o.resumeWindow()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(o.consumerProperties()).containsEntry("auto.offset.reset", "latest")
                .containsEntry("enable.auto.commit", false).doesNotContainKey("group.id")
                .containsEntry("bootstrap.servers", "b:9092");
        assertThat(ResponseConsumerOptions.fromEnvironment(ENV).mode(ResponseConsumerOptions.Mode.GROUP).build()
                .consumerProperties()).containsEntry("group.id", "rag-flink-ui-group");
        assertThat(o.schemaRegistry().url().toString()).isEqualTo("http://registry:8081");
    }

    @Test
    void environmentOverridesTheGroupAndKafkaSettingsPassThrough() {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("KAFKA_CONSUMER_GROUP_ID", "ui-blue");
        env.put("KAFKA_SCHEMA_REGISTRY_USERNAME", "ui");
        env.put("KAFKA_SCHEMA_REGISTRY_PASSWORD", "pw-registry");
        ResponseConsumerOptions o = ResponseConsumerOptions.fromEnvironment(env)
                .kafkaProperty("max.poll.records", 50)
                .kafkaProperty("sasl.jaas.config", "secret-jaas")
                .kafkaProperty("enable.auto.commit", false)
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResponseConsumerOptions.builder()
                .kafkaProperty("enable.auto.commit", true)).hasMessageContaining("enable.auto.commit must be false");
        assertThat(o.groupId()).isEqualTo("ui-blue");
        assertThat(o.consumerProperties()).containsEntry("max.poll.records", 50)
                .containsEntry("enable.auto.commit", false);
        assertThat(o.toString()).doesNotContain("secret-jaas").doesNotContain("pw-registry");
    }

    @Test
    void badValuesAreRejectedAtTheCall() {
        assertThatThrownBy(() -> ResponseConsumerOptions.builder().pollTimeout(Duration.ZERO))
                .hasMessage("pollTimeout must be > 0 but was PT0S");
        assertThatThrownBy(() -> ResponseConsumerOptions.builder().topic(" ")).hasMessage("topic must not be blank");
        assertThatThrownBy(() -> ResponseConsumerOptions.builder().schemaRegistry(
                io.kafkautility.avro.SchemaRegistryOptions.builder("http://r").build()).build())
                .hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> ResponseConsumerOptions.builder().bootstrapServers("b:1").build())
                .hasMessageContaining("exactly one of schemaRegistry");
        assertThatThrownBy(() -> ResponseConsumerOptions.fromEnvironment(ENV)
                .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageContaining("maxRetryBackoff must be >= retryBackoff");
        assertThatThrownBy(() -> SessionManagerOptions.builder().maxQueuedFrames(0))
                .hasMessage("maxQueuedFrames must be >= 1 but was 0");
        assertThatThrownBy(() -> SessionManagerOptions.builder().questionTimeout(Duration.ofSeconds(-1)))
                .hasMessage("questionTimeout must be > 0 but was PT-1S");
    }
}
