package io.kafkautility.requestreply;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestReplyOptionsTest {

    private RequestReplyOptions.Builder<String, String> builder() {
        return RequestReplyOptions.builder("requests", PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperty("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void defaults() {
        RequestReplyOptions<String, String> o = builder().build();
        assertThat(o.defaultTimeout()).isEqualTo(RequestReplyOptions.DEFAULT_TIMEOUT);
        assertThat(o.maxPendingRequests()).isEqualTo(RequestReplyOptions.DEFAULT_MAX_PENDING_REQUESTS);
        assertThat(o.replyTopic()).isEmpty();
        assertThat(o.replyPartition()).isEmpty();
        assertThat(o.producer()).isEmpty();
        assertThat(o.scheduler()).isEmpty();
    }

    @Test
    void rejectsBadValuesAtTheCallNamingFieldRuleAndValue() {
        assertThatThrownBy(() -> builder().defaultTimeout(Duration.ZERO))
                .hasMessage("defaultTimeout must be > 0 but was PT0S");
        assertThatThrownBy(() -> builder().maxPendingRequests(0))
                .hasMessage("maxPendingRequests must be > 0 but was 0");
        assertThatThrownBy(() -> builder().sharedReplyTopic("replies", -1))
                .hasMessage("replyPartition must be >= 0 but was -1");
        assertThatThrownBy(() -> builder().replyTopic("bad topic"))
                .hasMessageContaining("replyTopic must match");
        assertThatThrownBy(() -> RequestReplyOptions.builder(" ", PayloadCodec.utf8(), PayloadCodec.utf8()))
                .hasMessage("requestTopic must not be blank but was ' '");
        assertThatThrownBy(() -> builder().streamBufferSize(0))
                .hasMessage("streamBufferSize must be > 0 but was 0");
        assertThatThrownBy(() -> builder().abandonedReplyTopicAge(Duration.ofMillis(500)))
                .hasMessage("abandonedReplyTopicAge must be zero or >= 1 s but was PT0.5S");
        assertThat(builder().abandonedReplyTopicAge(Duration.ZERO).build().abandonedReplyTopicAge()).isZero();
        assertThat(builder().build().abandonedReplyTopicAge()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void crossChecksInBuild() {
        assertThatThrownBy(() -> RequestReplyOptions.builder("r", PayloadCodec.utf8(), PayloadCodec.utf8()).build())
                .hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> builder().kafkaProperty("group.id", "g").build())
                .hasMessageContaining("group.id");
        assertThatThrownBy(() -> builder().replyTopic("requests").build())
                .hasMessageContaining("replyTopic must differ from requestTopic");
        assertThatThrownBy(() -> builder().streamIdleTimeout(Duration.ofMinutes(10))
                .streamTimeout(Duration.ofMinutes(1)).build())
                .hasMessageContaining("streamIdleTimeout must be <= streamTimeout");
    }

    @Test
    void copiesPropertiesInAndHidesSecrets() {
        java.util.HashMap<String, Object> props = new java.util.HashMap<>(Map.of("bootstrap.servers", "h:1",
                "sasl.jaas.config", "secret-jaas", "ssl.truststore.password", "pw"));
        RequestReplyOptions<String, String> o = RequestReplyOptions
                .builder("r", PayloadCodec.utf8(), PayloadCodec.utf8()).kafkaProperties(props).build();
        props.put("linger.ms", 5);
        assertThat(o.kafkaProperties()).doesNotContainKey("linger.ms");
        assertThatThrownBy(() -> o.kafkaProperties().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(o.toString()).doesNotContain("secret-jaas").doesNotContain("=pw").contains("[hidden]");
    }

    @Test
    void sharedReplyTopicCarriesPartition() {
        RequestReplyOptions<String, String> o = builder().sharedReplyTopic("replies", 3).build();
        assertThat(o.replyTopic()).contains("replies");
        assertThat(o.replyPartition()).hasValue(3);
        assertThat(o.toBuilder().replyTopic("other").build().replyPartition()).isEmpty();
    }

    @Test
    void responderOptionsValidate() {
        assertThatThrownBy(() -> ResponderOptions.builder("requests", " ", PayloadCodec.utf8(), PayloadCodec.utf8()))
                .hasMessage("groupId must not be blank but was ' '");
        assertThatThrownBy(() -> ResponderOptions.builder("requests", "g", PayloadCodec.utf8(), PayloadCodec.utf8())
                .maxInFlight(0)).hasMessage("maxInFlight must be > 0 but was 0");
        assertThatThrownBy(() -> ResponderOptions.builder("requests", "g", PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperty("bootstrap.servers", "h:1").kafkaProperty("enable.auto.commit", "true").build())
                .hasMessageContaining("enable.auto.commit must be false");
    }
}
