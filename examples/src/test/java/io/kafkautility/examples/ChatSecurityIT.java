package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.response.ChatWebSocket;
import io.kafkautility.response.JwtAuthenticator;
import io.kafkautility.response.SessionKeys;
import io.kafkautility.response.SessionTokens;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.Counter;
import java.net.http.WebSocketHandshakeException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat backend attacked as a hostile page would, against the real backend (Jetty, a real broker, the LLM service,
 * {@code java.net.http.WebSocket} as the client): each test failed on the backend that took the session id from the
 * page's URL. Another page's session id, made-up, tampered, expired and rotated-out tokens get fresh sessions and
 * nothing of the page they name; a rotated-in key still accepts old tokens; a foreign origin gets 403; a refused
 * principal gets no session and a token of another principal is refused; an unknown frame gets BAD_FRAME and reaches
 * no LLM; a flood is closed by the rate limit; and no token reaches a log line.
 */
@KafkaTest
@ExtendWith(NoSecretsInLogs.class)
class ChatSecurityIT {

    private static final String QUESTION = "How does Kafka avoid losing messages?";

    private static SessionKeys key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return SessionKeys.of(k);
    }

    private static double counter(UiStackFixture ui, String name, String tag, String value) {
        Counter c = ui.stack.backend().meters().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    /** Page A asks; returns A (its answer still coming, at a slow 60 ms a word). */
    private static ChatClient askingPage(UiStackFixture ui, String questionId) throws Exception {
        ChatClient a = ChatClient.open(ui.port());
        assertThat(a.hello(null).path("resumed").asBoolean()).isFalse();
        a.ask(questionId, QUESTION);
        await().atMost(Duration.ofSeconds(30)).until(() -> !a.of("delta", questionId).isEmpty());
        return a;
    }

    @Test
    void anotherPagesSessionIdAndMadeUpOrTamperedTokensGetAFreshSessionAndNothingOfTheAnswer(KafkaCluster cluster)
            throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(60), b -> b.sessionKeys(key()));
             ChatClient a = askingPage(ui, "q-owner")) {
            String tokenA = a.of("session").get(0).path("token").asText();
            String idA = tokenA.split("\\.")[1];
            String tampered = tokenA.substring(0, tokenA.length() - 2)
                    + (tokenA.endsWith("AA") ? "AB" : "AA");
            char last = tokenA.charAt(tokenA.length() - 1);
            String respelled = tokenA.substring(0, tokenA.length() - 1) + (char) (last ^ 1); // base64's unused bits
            boolean respelledIsBase64 = String.valueOf((char) (last ^ 1)).matches("[A-Za-z0-9_-]");
            String otherId = tokenA.replace(idA, new StringBuilder(idA).reverse().toString());
            List<String> presented = List.of(idA, "aaaa", "1", "00000000-0000-0000-0000-000000000001", tampered,
                    respelled,
                    otherId, "v1." + "a".repeat(32) + ".zzzzzz." + "A".repeat(16) + "." + "A".repeat(43),
                    "x".repeat(10_000));
            for (String token : presented) {
                try (ChatClient b = ChatClient.open(ui.port())) {
                    JsonNode session = b.hello(token);
                    assertThat(session.path("resumed").asBoolean()).as("presented %s...", token.substring(0,
                            Math.min(8, token.length()))).isFalse();
                    assertThat(session.path("token").asText()).isNotEqualTo(tokenA);
                    assertThat(session.path("tag").asText()).isNotEqualTo(a.of("session").get(0).path("tag").asText());
                    b.send("{\"type\":\"resume\",\"questionId\":\"q-owner\",\"lastSeq\":-1}");
                    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                            .until(() -> b.of("delta").isEmpty() && b.of("answer").isEmpty());
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> !a.of("answer", "q-owner").isEmpty());
            assertThat(a.isClosed()).as("the owner's connection was never taken").isFalse();
            // the session id alone, made-up ids and a 10,000-character one are not tokens; the tampered signature,
            // another id under A's signature and a well-formed forgery do not check
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "malformed")).isEqualTo(5 + (respelledIsBase64 ? 0 : 1));
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "bad_mac"))
                    .isEqualTo(3 + (respelledIsBase64 ? 1 : 0));
            assertThat(counter(ui, MetricNames.RESPONSE_SESSION_TAKEOVERS, "where", "local")).isZero();
        }
    }

    @Test
    void aPageThatKnowsAnotherPagesQuestionIdCanNeitherResumeNorStopIt(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(60), b -> b.sessionKeys(key()));
             ChatClient attacker = ChatClient.open(ui.port())) {
            attacker.hello(null);
            try (ChatClient owner = askingPage(ui, "q-victim")) {
                // the attacker waits for the owner's question under its own session, and stops it
                attacker.send("{\"type\":\"resume\",\"questionId\":\"q-victim\",\"lastSeq\":-1}");
                attacker.send("{\"type\":\"cancel\",\"questionId\":\"q-victim\"}");
                await().atMost(Duration.ofSeconds(5)).until(() -> !attacker.of("cancelled").isEmpty());
                await().atMost(Duration.ofSeconds(60)).until(() -> !owner.of("answer", "q-victim").isEmpty());
                assertThat(owner.of("answer", "q-victim").get(0).path("answer").asText()).contains(QUESTION);
            }
            assertThat(attacker.of("answer")).isEmpty();
            assertThat(attacker.of("delta")).isEmpty();
            assertThat(attacker.frames.stream().filter(f -> f.path("text").asText("").contains("losing")))
                    .as("nothing of the owner's answer").isEmpty();
            assertThat(ui.stack.llmHandler().stopped()).as("the owner's answer was not stopped").isZero();
        }
    }

    @Test
    void theTokenOfTheSamePageComingBackTakesTheSessionOverAndTheOldConnectionGetsNothingMore(KafkaCluster cluster)
            throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(60), b -> b.sessionKeys(key()));
             ChatClient old = askingPage(ui, "q-moving")) {
            String token = old.of("session").get(0).path("token").asText();
            try (ChatClient back = ChatClient.open(ui.port())) {
                JsonNode session = back.hello(token);
                assertThat(session.path("resumed").asBoolean()).isTrue();
                assertThat(session.path("token").asText()).isEqualTo(token);
                assertThat(old.closed.get(10, TimeUnit.SECONDS)).isEqualTo(ChatWebSocket.CLOSE_TAKEN_OVER);
                int framesOfOld = old.frames.size();
                back.send("{\"type\":\"resume\",\"questionId\":\"q-moving\",\"lastSeq\":-1}");
                await().atMost(Duration.ofSeconds(60)).until(() -> !back.of("answer", "q-moving").isEmpty());
                assertThat(back.of("delta", "q-moving")).as("the whole stream, replayed").isNotEmpty();
                assertThat(back.of("delta", "q-moving").get(0).path("seq").asInt()).isZero();
                assertThat(old.frames).as("nothing after the takeover").hasSize(framesOfOld);
            }
            assertThat(counter(ui, MetricNames.RESPONSE_SESSION_TAKEOVERS, "where", "local")).isEqualTo(1);
        }
    }

    @Test
    void theTokenMayTravelInTheSubprotocolHeaderInsteadOfAHelloFrame(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(key()));
             ChatClient first = ChatClient.open(ui.port())) {
            String token = first.hello(null).path("token").asText();
            try (ChatClient again = ChatClient.open(ui.port(), Map.of(), ChatWebSocket.SUBPROTOCOL,
                    ChatWebSocket.TOKEN_SUBPROTOCOL_PREFIX + token)) {
                assertThat(again.subprotocol()).as("the server selects the protocol, never echoes the token")
                        .isEqualTo(ChatWebSocket.SUBPROTOCOL);
                await().atMost(Duration.ofSeconds(10)).until(() -> !again.of("session").isEmpty());
                assertThat(again.of("session").get(0).path("resumed").asBoolean()).isTrue();
                again.ask("q-header", QUESTION);
                await().atMost(Duration.ofSeconds(30)).until(() -> !again.of("answer", "q-header").isEmpty());
                assertThat(first.closed.get(10, TimeUnit.SECONDS)).isEqualTo(ChatWebSocket.CLOSE_TAKEN_OVER);
            }
            assertThatThrownBy(() -> ChatClient.open(ui.port(), Map.of(),
                    ChatWebSocket.TOKEN_SUBPROTOCOL_PREFIX + token))
                    .as("a token offered without the protocol").cause()
                    .isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(400));
        }
    }

    @Test
    void expiredAndRotatedOutTokensGetFreshSessionsAndARotatedInKeyStillAcceptsOldTokens(KafkaCluster cluster)
            throws Exception {
        SessionKeys oldKey = key();
        SessionKeys newKey = key();
        SessionKeys rotating = SessionKeys.of(newKey.current(), oldKey.current());
        SessionTokens byOldKey = SessionTokens.hmac(oldKey, Duration.ofHours(24), Clock.systemUTC());
        SessionTokens yesterday = SessionTokens.hmac(rotating, Duration.ofHours(24),
                Clock.fixed(Instant.now().minus(Duration.ofHours(25)), ZoneOffset.UTC));
        String oldToken = byOldKey.issue("").token();
        String expiredToken = yesterday.issue("").token();
        NoSecretsInLogs.secret(oldToken);
        NoSecretsInLogs.secret(expiredToken);
        // the rotation under way: the new key signs, the old one is still accepted
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(rotating));
             ChatClient page = ChatClient.open(ui.port())) {
            JsonNode session = page.hello(oldToken);
            assertThat(session.path("resumed").asBoolean()).as("a token of the old key, during the rotation")
                    .isTrue();
            page.ask("q-rotated", QUESTION);
            await().atMost(Duration.ofSeconds(30)).until(() -> !page.of("answer", "q-rotated").isEmpty());
            try (ChatClient late = ChatClient.open(ui.port())) {
                assertThat(late.hello(expiredToken).path("resumed").asBoolean()).as("25 h old").isFalse();
            }
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "expired")).isEqualTo(1);
        }
        // the rotation done: the old key is gone
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(newKey));
             ChatClient page = ChatClient.open(ui.port())) {
            assertThat(page.hello(oldToken).path("resumed").asBoolean()).as("rotated out").isFalse();
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "bad_mac")).isEqualTo(1);
        }
    }

    @Test
    void aForeignOriginGets403BeforeTheUpgradeAndThePagesOwnOriginIsAdmitted(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(key()))) {
            for (String origin : List.of("https://evil.example", "http://127.0.0.1.evil.example:" + ui.port(),
                    "http://127.0.0.1:1", "null", "http://127.0.0.1:" + ui.port() + "/path")) {
                assertThatThrownBy(() -> ChatClient.open(ui.port(), Map.of("Origin", origin)))
                        .as(origin).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(WebSocketHandshakeException.class)
                        .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                                .isEqualTo(403));
            }
            assertThat(ui.stack.backend().sessions().sessionCount()).isZero();
            try (ChatClient own = ChatClient.open(ui.port(), Map.of("Origin", "http://127.0.0.1:" + ui.port()))) {
                assertThat(own.hello(null).path("token").asText()).startsWith("v1.");
            }
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "origin")).isEqualTo(5);
        }
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(key())
                .allowedOrigins("https://chat.example"))) {
            try (ChatClient listed = ChatClient.open(ui.port(), Map.of("Origin", "https://chat.example"))) {
                assertThat(listed.hello(null).path("resumed").asBoolean()).isFalse();
            }
            assertThatThrownBy(() -> ChatClient.open(ui.port(), Map.of("Origin", "http://127.0.0.1:" + ui.port())))
                    .as("with an allow-list, only what it lists").hasCauseInstanceOf(WebSocketHandshakeException.class);
        }
    }

    @Test
    void aRefusedPrincipalGetsNoSessionAndATokenOfAnotherPrincipalIsRefused(KafkaCluster cluster) throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        JwtAuthenticator jwt = JwtAuthenticator.builder().hmacSecret(secret).issuer("https://idp.example")
                .audience("chat").build();
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(key())
                .authenticator(jwt))) {
            String alice = jwt(secret, "alice", "https://idp.example", Duration.ofMinutes(5));
            String bob = jwt(secret, "bob", "https://idp.example", Duration.ofMinutes(5));
            byte[] other = new byte[32];
            new SecureRandom().nextBytes(other);
            for (Map<String, String> refused : List.<Map<String, String>>of(Map.of(),
                    Map.of("Cookie", "access_token=" + jwt(other, "alice", "https://idp.example",
                            Duration.ofMinutes(5))),
                    Map.of("Cookie", "access_token=" + jwt(secret, "alice", "https://idp.example",
                            Duration.ofMinutes(-5))),
                    Map.of("Cookie", "access_token=" + jwt(secret, "alice", "https://other.example",
                            Duration.ofMinutes(5))),
                    Map.of("Authorization", "Bearer not.a.jwt"))) {
                assertThatThrownBy(() -> ChatClient.open(ui.port(), refused)).cause()
                        .isInstanceOf(WebSocketHandshakeException.class)
                        .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                                .isEqualTo(401));
            }
            assertThat(ui.stack.backend().sessions().sessionCount()).isZero();
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "unauthenticated"))
                    .isEqualTo(5);

            try (ChatClient a = ChatClient.open(ui.port(), Map.of("Cookie", "access_token=" + alice))) {
                String tokenA = a.hello(null).path("token").asText();
                a.ask("q-alice", QUESTION);
                try (ChatClient b = ChatClient.open(ui.port(), Map.of("Authorization", "Bearer " + bob))) {
                    b.hello(tokenA);
                    assertThat(b.closed.get(10, TimeUnit.SECONDS)).isEqualTo(ChatWebSocket.CLOSE_OTHER_PRINCIPAL);
                    assertThat(b.of("session")).isEmpty();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> !a.of("answer", "q-alice").isEmpty());
                assertThat(a.isClosed()).isFalse();
                try (ChatClient again = ChatClient.open(ui.port(), Map.of("Cookie", "access_token=" + alice))) {
                    assertThat(again.hello(tokenA).path("resumed").asBoolean()).as("the same principal").isTrue();
                }
            }
            assertThat(counter(ui, MetricNames.RESPONSE_SECURITY_REFUSED, "reason", "other_principal"))
                    .isEqualTo(1);
        }
    }

    @Test
    void strictFramesAnUnknownTypeGetsBadFrameAndReachesNoLlmAndAFloodIsClosed(KafkaCluster cluster)
            throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5), b -> b.sessionKeys(key())
                .maxFramesPerSecond(10).helloTimeout(Duration.ofSeconds(1)))) {
            try (ChatClient page = ChatClient.open(ui.port())) {
                page.hello(null);
                for (String frame : List.of("{\"type\":\"rm -rf\",\"question\":\"rm -rf\"}",
                        "{\"question\":\"rm -rf\"}", "not json", "[1,2]", "{\"type\":\"hello\",\"token\":null}",
                        "{\"type\":\"ask\",\"question\":42}", "{\"type\":\"ask\",\"question\":\"rm -rf\","
                                + "\"questionId\":\"bad id\"}",
                        "{\"type\":\"resume\",\"questionId\":\"q\",\"lastSeq\":\"x\"}", "{\"type\":\"cancel\"}")) {
                    int before = page.of("error").size();
                    page.send(frame);
                    await().atMost(Duration.ofSeconds(5)).until(() -> page.of("error").size() == before + 1);
                    JsonNode error = page.of("error").get(before);
                    assertThat(error.path("code").asText()).as(frame).isEqualTo("BAD_FRAME");
                    assertThat(error.path("errorId").asText()).hasSize(12);
                }
                page.ask("q-fine", QUESTION);
                await().atMost(Duration.ofSeconds(30)).until(() -> !page.of("answer", "q-fine").isEmpty());
            }
            assertThat(ui.stack.llmHandler().prompts()).as("what reached the LLM").containsExactly(QUESTION);
            assertThat(counter(ui, MetricNames.RESPONSE_FRAMES_REFUSED, "reason", "bad_frame")).isEqualTo(9);

            // a flood: closed by the rate limit
            try (ChatClient flood = ChatClient.open(ui.port())) {
                flood.hello(null);
                for (int i = 0; i < 2_000 && !flood.isClosed(); i++) {
                    flood.send("{\"type\":\"cancel\",\"questionId\":\"q-" + i + "\"}");
                }
                assertThat(flood.closed.get(10, TimeUnit.SECONDS)).isEqualTo(ChatWebSocket.CLOSE_RATE_LIMITED);
                assertThat(flood.of("error").stream().filter(e -> e.path("code").asText().equals("RATE_LIMITED")))
                        .as("told at most once (the close may overtake it)").hasSizeLessThanOrEqualTo(1);
            } catch (java.util.concurrent.CompletionException sendAfterClose) {
                // the backend closed the socket under the flood: its close code and the counter say why
            }
            assertThat(ui.stack.backend().meters().get(MetricNames.RESPONSE_RATE_LIMITED_CLOSES).counter().count())
                    .isEqualTo(1);

            // a frame over maxFrameBytes (64 KiB): closed by the container, nothing handled
            try (ChatClient big = ChatClient.open(ui.port())) {
                big.hello(null);
                try {
                    big.send("{\"type\":\"ask\",\"question\":\"" + "x".repeat(100 * 1024) + "\"}");
                } catch (java.util.concurrent.CompletionException closedWhileSending) {
                    // the backend may close before the whole frame is written
                }
                assertThat(big.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
            }

            // no hello first, and no hello in time
            try (ChatClient rude = ChatClient.open(ui.port())) {
                rude.ask("q-rude", QUESTION);
                assertThat(rude.closed.get(10, TimeUnit.SECONDS)).isEqualTo(ChatWebSocket.CLOSE_HELLO_EXPECTED);
            }
            try (ChatClient silent = ChatClient.open(ui.port())) {
                assertThat(silent.closed.get(10, TimeUnit.SECONDS)).isNotEqualTo(1000);
                assertThat(silent.of("session")).isEmpty();
            }
            assertThat(ui.stack.llmHandler().prompts()).containsExactly(QUESTION);
            await().atMost(Duration.ofSeconds(10)).until(() -> ui.stack.backend().sessions().sessionCount() == 0);
        }
    }

    private static String jwt(byte[] secret, String subject, String issuer, Duration validFor) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(subject).issuer(issuer).audience("chat")
                .expirationTime(Date.from(Instant.now().plus(validFor))).build());
        jwt.sign(new MACSigner(secret));
        String token = jwt.serialize();
        NoSecretsInLogs.secret(token);
        return token;
    }
}
