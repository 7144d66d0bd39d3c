package io.kafkautility.response.internal;

import io.kafkautility.response.SessionKeys;
import io.kafkautility.response.SessionTokens;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@link SessionTokens} signed with HMAC-SHA-256 (see there for the format). */
public final class HmacSessionTokens implements SessionTokens {

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    /** How far in the future an issue time may lie (another instance's clock running ahead). */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);
    private static final int ID_BYTES = 16;
    private static final int PRINCIPAL_DIGEST_BYTES = 12;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final List<byte[]> keys;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public HmacSessionTokens(SessionKeys keys, Duration lifetime, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys").checking();
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Issued issue(String principal) {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        String sessionId = java.util.HexFormat.of().formatHex(id); // an id every schema's id pattern accepts
        Instant now = clock.instant();
        String issued = Long.toString(now.getEpochSecond(), 36);
        byte[] key = keys.get(0);
        String body = VERSION + "." + sessionId + "." + issued + "." + principalDigest(key, principal);
        return new Issued(sessionId, body + "." + B64.encodeToString(mac(key, body)),
                Instant.ofEpochSecond(now.getEpochSecond()));
    }

    @Override
    public Verification verify(String token, String principal) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Verification.refused(Outcome.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 5 || !parts[0].equals(VERSION) || !hex(parts[1], 2 * ID_BYTES) || !base36(parts[2])
                || !base64url(parts[3], 16) || !base64url(parts[4], 43)) {
            return Verification.refused(Outcome.MALFORMED);
        }
        String body = token.substring(0, token.lastIndexOf('.'));
        // compared as text: one signature has exactly one spelling (base64's unused low bits may not vary)
        byte[] presented = parts[4].getBytes(StandardCharsets.US_ASCII);
        byte[] signedWith = null;
        for (byte[] key : keys) {
            if (MessageDigest.isEqual(B64.encodeToString(mac(key, body)).getBytes(StandardCharsets.US_ASCII),
                    presented)) {
                signedWith = key;
                break;
            }
        }
        if (signedWith == null) {
            return Verification.refused(Outcome.BAD_MAC);
        }
        long issuedSeconds;
        try {
            issuedSeconds = Long.parseLong(parts[2], 36);
        } catch (NumberFormatException e) {
            return Verification.refused(Outcome.MALFORMED);
        }
        Instant issued = Instant.ofEpochSecond(issuedSeconds);
        Instant now = clock.instant();
        if (issued.isAfter(now.plus(MAX_CLOCK_SKEW)) || !issued.plus(lifetime).isAfter(now)) {
            return Verification.refused(Outcome.EXPIRED);
        }
        if (!MessageDigest.isEqual(parts[3].getBytes(StandardCharsets.US_ASCII),
                principalDigest(signedWith, principal).getBytes(StandardCharsets.US_ASCII))) {
            return Verification.refused(Outcome.OTHER_PRINCIPAL);
        }
        return new Verification(Outcome.VALID, parts[1], issued);
    }

    private static String principalDigest(byte[] key, String principal) {
        byte[] digest = mac(key, "principal:" + (principal == null ? "" : principal));
        return B64.encodeToString(Arrays.copyOf(digest, PRINCIPAL_DIGEST_BYTES));
    }

    private static byte[] mac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }

    private static boolean base64url(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean base36(String s) {
        if (s.isEmpty() || s.length() > 12) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "HmacSessionTokens{keys=" + keys.size() + " [hidden], lifetime=" + lifetime + "}";
    }
}
