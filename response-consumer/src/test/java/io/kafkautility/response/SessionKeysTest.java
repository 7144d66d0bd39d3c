package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.ConfigurationException;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Session keys from configuration: what is accepted, what is refused, and that no key is ever printed. */
class SessionKeysTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, -2});
    private static final String OTHER = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[48]);

    @Test
    void fromTheEnvironmentTheCurrentAndThePreviousKey() {
        SessionKeys keys = SessionKeys.from(Map.of(SessionKeys.ENV_KEY, KEY, SessionKeys.ENV_PREVIOUS_KEY, OTHER));
        assertThat(keys.current()).isEqualTo(Base64.getDecoder().decode(KEY));
        assertThat(keys.previous()).hasSize(48);
        assertThat(keys.checking()).hasSize(2);
        assertThat(keys.isGenerated()).isFalse();
        assertThat(keys.toString()).doesNotContain(KEY).doesNotContain(OTHER).contains("[hidden]");
        assertThat(SessionKeys.from(Map.of(SessionKeys.ENV_KEY, " " + KEY + "\n")).previous()).isNull();
    }

    @Test
    void aMissingShortOrGarbledKeyIsAConfigurationErrorThatNamesTheVariableNotTheValue() {
        assertThatThrownBy(() -> SessionKeys.from(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SessionKeys.ENV_KEY);
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SessionKeys.from(Map.of(SessionKeys.ENV_KEY, shortKey)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> SessionKeys.from(Map.of(SessionKeys.ENV_KEY, "not base64!!" + KEY)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("base64")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> SessionKeys.from(Map.of(SessionKeys.ENV_KEY, KEY, SessionKeys.ENV_PREVIOUS_KEY,
                shortKey))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SessionKeys.ENV_PREVIOUS_KEY);
        assertThatThrownBy(() -> SessionKeys.of(new byte[31])).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aGeneratedKeyIsMarkedAndRandom() {
        SessionKeys a = SessionKeys.generated();
        assertThat(a.isGenerated()).isTrue();
        assertThat(a.current()).isNotEqualTo(SessionKeys.generated().current());
        byte[] copy = a.current();
        copy[0] ^= 1;
        assertThat(a.current()).as("a copy is handed out").isNotEqualTo(copy);
    }

    @Test
    void theChatEndpointRefusesToStartWithoutAKey() {
        SessionManagerOptions options = SessionManagerOptions.builder().build();
        org.junit.jupiter.api.Assumptions.assumeFalse(SessionKeys.configuredIn(System.getenv()),
                "KAFKA_UTILITY_SESSION_KEY is set in this environment");
        try (WebSocketSessionManager sessions = WebSocketSessionManager.create(options)) {
            assertThat(options.sessionKeys()).isNull();
            assertThatThrownBy(() -> ChatWebSocket.servlet(sessions, new ChatHandler() {
                @Override
                public void ask(WebSocketSessionManager.SessionGrant s, String q, String text) {
                }

                @Override
                public void resume(WebSocketSessionManager.SessionGrant s, String q, int lastSeq) {
                }

                @Override
                public void cancel(WebSocketSessionManager.SessionGrant s, String q) {
                }
            })).isInstanceOf(ConfigurationException.class).hasMessageContaining(SessionKeys.ENV_KEY);
            assertThatThrownBy(() -> sessions.open(new TestConnection("x"), null, ""))
                    .isInstanceOf(ConfigurationException.class);
        }
    }
}
