package io.kafkautility.response.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin check: the page's own origin by default, else an allow-list; anything odd is refused. */
class OriginsTest {

    @Test
    void byDefaultOnlyThePagesOwnOrigin() {
        List<String> own = List.of();
        assertThat(Origins.allowed("http://127.0.0.1:8080", "127.0.0.1:8080", own)).isTrue();
        assertThat(Origins.allowed("https://Chat.Example", "chat.example", own)).isTrue();
        assertThat(Origins.allowed("https://chat.example:443", "chat.example", own)).isTrue();
        assertThat(Origins.allowed("https://chat.example", "chat.example:443", own)).isTrue();
        assertThat(Origins.allowed("http://chat.example", "chat.example:80", own)).isTrue();
        assertThat(Origins.allowed("http://[::1]:8080", "[::1]:8080", own)).isTrue();

        assertThat(Origins.allowed("https://evil.example", "chat.example", own)).isFalse();
        assertThat(Origins.allowed("https://chat.example.evil.example", "chat.example", own)).isFalse();
        assertThat(Origins.allowed("http://127.0.0.1:8081", "127.0.0.1:8080", own)).isFalse();
        assertThat(Origins.allowed("https://chat.example", "chat.example:80", own)).as("https vs :80").isFalse();
        assertThat(Origins.allowed("http://127.0.0.1:8080", null, own)).isFalse();
        assertThat(Origins.allowed("http://127.0.0.1:8080", " ", own)).isFalse();
    }

    @Test
    void garbageNullAndOtherSchemesAreRefused() {
        for (String origin : List.of("null", "", "file://", "chrome-extension://abc", "ws://127.0.0.1:8080",
                "http://127.0.0.1:8080/", "http://127.0.0.1:8080/x", "http://u@127.0.0.1:8080", "http://127.0.0.1:8080?x",
                "http://127.0.0.1:8080#x", "%%%", "http://", "x".repeat(10_000))) {
            assertThat(Origins.allowed(origin, "127.0.0.1:8080", List.of())).as(origin).isFalse();
        }
    }

    @Test
    void anAllowListReplacesTheDefaultAndTheWildcardAllowsEverything() {
        List<String> listed = List.of("https://chat.example", "http://localhost:3000");
        assertThat(Origins.allowed("https://chat.example", "backend.internal:8080", listed)).isTrue();
        assertThat(Origins.allowed("HTTPS://CHAT.EXAMPLE:443", "backend.internal:8080", listed)).isTrue();
        assertThat(Origins.allowed("http://localhost:3000", "x", listed)).isTrue();
        assertThat(Origins.allowed("http://backend.internal:8080", "backend.internal:8080", listed))
                .as("the own origin is not implied by a list").isFalse();
        assertThat(Origins.allowed("null", "x", List.of("*"))).isTrue();
        assertThat(Origins.allowed("https://anything.example", "x", List.of("*"))).isTrue();
    }
}
