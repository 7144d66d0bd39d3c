package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.response.SessionTokens.Outcome;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Session tokens: issued, checked, expired, bound to a principal, rotated, and never forged by a mutation. */
class SessionTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static SessionKeys key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return SessionKeys.of(k);
    }

    private static SessionTokens at(SessionKeys keys, Instant now) {
        return SessionTokens.hmac(keys, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void anIssuedTokenNamesItsSessionAndIsAcceptedForItsPrincipalOnly() {
        SessionKeys keys = key();
        SessionTokens tokens = at(keys, NOW);
        SessionTokens.Issued alice = tokens.issue("alice");
        assertThat(alice.sessionId()).matches("[0-9a-f]{32}");
        assertThat(alice.token()).startsWith("v1." + alice.sessionId() + ".").hasSizeLessThanOrEqualTo(
                SessionTokens.MAX_TOKEN_LENGTH).matches("[A-Za-z0-9._-]+");
        SessionTokens.Verification v = tokens.verify(alice.token(), "alice");
        assertThat(v.outcome()).isEqualTo(Outcome.VALID);
        assertThat(v.sessionId()).isEqualTo(alice.sessionId());
        assertThat(v.issuedAt()).isEqualTo(NOW);
        assertThat(tokens.verify(alice.token(), "bob").outcome()).isEqualTo(Outcome.OTHER_PRINCIPAL);
        assertThat(tokens.verify(alice.token(), "").outcome()).isEqualTo(Outcome.OTHER_PRINCIPAL);
        assertThat(tokens.verify(tokens.issue("").token(), "").outcome()).isEqualTo(Outcome.VALID);
        assertThat(tokens.issue("alice").sessionId()).isNotEqualTo(alice.sessionId());
        assertThat(alice.toString()).doesNotContain(alice.token()).doesNotContain(alice.sessionId());
        assertThat(v.toString()).doesNotContain(alice.sessionId());
        assertThat(tokens.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(keys.current()));
    }

    @Test
    void aTokenIsAcceptedForItsLifetimeAndNotAfterNorFromTooFarInTheFuture() {
        SessionKeys keys = key();
        String token = at(keys, NOW).issue("").token();
        assertThat(at(keys, NOW.plus(Duration.ofHours(24)).minusSeconds(1)).verify(token, "").outcome())
                .isEqualTo(Outcome.VALID);
        assertThat(at(keys, NOW.plus(Duration.ofHours(24))).verify(token, "").outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(at(keys, NOW.minusSeconds(59)).verify(token, "").outcome()).as("another instance's clock behind")
                .isEqualTo(Outcome.VALID);
        assertThat(at(keys, NOW.minusSeconds(61)).verify(token, "").outcome()).isEqualTo(Outcome.EXPIRED);
        SessionTokens shortLived = SessionTokens.hmac(keys, Duration.ofMinutes(5), Clock.fixed(NOW.plusSeconds(301),
                ZoneOffset.UTC));
        assertThat(shortLived.verify(token, "").outcome()).isEqualTo(Outcome.EXPIRED);
    }

    @Test
    void duringARotationTheOldKeyIsStillAcceptedAndAfterItNot() {
        SessionKeys oldKey = key();
        SessionKeys newKey = key();
        SessionKeys rotating = SessionKeys.of(newKey.current(), oldKey.current());
        String byOld = at(oldKey, NOW).issue("alice").token();
        String byRotating = at(rotating, NOW).issue("alice").token();
        assertThat(at(rotating, NOW).verify(byOld, "alice").outcome()).isEqualTo(Outcome.VALID);
        assertThat(at(rotating, NOW).verify(byOld, "bob").outcome()).as("the principal under the old key too")
                .isEqualTo(Outcome.OTHER_PRINCIPAL);
        assertThat(at(newKey, NOW).verify(byRotating, "alice").outcome()).as("new tokens are signed with the new key")
                .isEqualTo(Outcome.VALID);
        assertThat(at(newKey, NOW).verify(byOld, "alice").outcome()).isEqualTo(Outcome.BAD_MAC);
        assertThat(at(oldKey, NOW).verify(byRotating, "alice").outcome()).isEqualTo(Outcome.BAD_MAC);
    }

    @Test
    void noMutationOfAValidTokenIsAcceptedAndNoInputThrows() {
        SessionTokens tokens = at(key(), NOW);
        String token = tokens.issue("alice").token();
        Random random = new Random(27);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.\r\n\u2028 %=+/";
        Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder m = new StringBuilder(token);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(m.length());
                switch (random.nextInt(3)) {
                    case 0 -> m.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> m.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> m.deleteCharAt(at);
                }
            }
            String mutated = m.toString();
            Outcome outcome = tokens.verify(mutated, "alice").outcome();
            if (!mutated.equals(token)) {
                assertThat(outcome).as(mutated).isNotEqualTo(Outcome.VALID);
            }
            seen.merge(outcome, 1, Integer::sum);
        }
        assertThat(seen).containsKeys(Outcome.MALFORMED, Outcome.BAD_MAC);
        for (String garbage : new String[] {null, "", ".", "....", "v1....", "v1.a.b.c.d", "v2" + token.substring(2),
                token + ".", token.replace('.', '$'), "x".repeat(1_000_000)}) {
            assertThat(tokens.verify(garbage, "alice").outcome()).isIn(Outcome.MALFORMED, Outcome.BAD_MAC);
        }
    }
}
