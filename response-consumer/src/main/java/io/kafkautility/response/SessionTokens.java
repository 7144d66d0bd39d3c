package io.kafkautility.response;

import io.kafkautility.response.internal.HmacSessionTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Issues and checks the tokens a page keeps for its chat session. A session id is made by the server only (128
 * random bits); the token is that id, the time it was issued and a digest of the session's principal, signed with
 * HMAC-SHA-256 under {@link SessionKeys}. Any instance holding the keys checks a token without asking another one.
 * A token that does not check, is malformed, is older than the lifetime or belongs to another principal names no
 * session: the caller opens a fresh one (or refuses the connection) and never adopts the id it names.
 *
 * <p>Format, version 1: {@code v1.<id>.<issued>.<principal digest>.<mac>}: the id in 32 lowercase hex characters
 * (so it is an id for every schema of the library, e.g. a query event's {@code sessionId}), the issue time in epoch
 * seconds base 36, a 96-bit keyed digest of the principal and the 256-bit HMAC in base64url without padding (about 105
 * characters, at most {@value #MAX_TOKEN_LENGTH} accepted), so it fits a {@code Sec-WebSocket-Protocol} value.
 *
 * <p>Thread-safe and immutable.
 */
public interface SessionTokens {

    /** Tokens longer than this are malformed without being parsed. */
    int MAX_TOKEN_LENGTH = 160;

    /** Tokens signed and checked with {@code keys}, valid for {@code lifetime} from their issue. */
    static SessionTokens hmac(SessionKeys keys, Duration lifetime, Clock clock) {
        return new HmacSessionTokens(keys, lifetime, clock);
    }

    /** A new session for {@code principal} ({@code ""} for an anonymous one). */
    Issued issue(String principal);

    /** Checks {@code token} as presented by a connection of {@code principal} ({@code ""} for anonymous). */
    Verification verify(String token, String principal);

    /** A new session: its id (for routing, never shown to the page) and the token the page keeps. */
    record Issued(String sessionId, String token, Instant issuedAt) {
        public Issued {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(issuedAt, "issuedAt");
        }

        @Override
        public String toString() {
            return "Issued{session=" + SessionTag.of(sessionId) + ", token=[hidden]}";
        }
    }

    /** Why a token was or was not accepted; {@link #tag()} is the metric tag value. */
    enum Outcome {
        VALID("valid"),
        /** Not a token of this format (wrong version, parts, characters or length). */
        MALFORMED("malformed"),
        /** Its signature checks with no key held (forged, tampered or signed with a key rotated out). */
        BAD_MAC("bad_mac"),
        /** Older than the lifetime (or issued in the future beyond the allowed clock skew). */
        EXPIRED("expired"),
        /** Valid, but issued to another principal than the connection's. */
        OTHER_PRINCIPAL("other_principal");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** The result of {@link #verify}: the session id only when {@link Outcome#VALID}. */
    record Verification(Outcome outcome, String sessionId, Instant issuedAt) {
        public Verification {
            Objects.requireNonNull(outcome, "outcome");
            if ((outcome == Outcome.VALID) != (sessionId != null)) {
                throw new IllegalArgumentException("a session id comes with a valid token only");
            }
        }

        public static Verification refused(Outcome outcome) {
            return new Verification(outcome, null, null);
        }

        public boolean valid() {
            return outcome == Outcome.VALID;
        }

        @Override
        public String toString() {
            return "Verification{" + outcome + (sessionId == null ? "" : ", session=" + SessionTag.of(sessionId))
                    + "}";
        }
    }
}
