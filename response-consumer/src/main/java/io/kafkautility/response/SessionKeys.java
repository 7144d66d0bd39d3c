package io.kafkautility.response;

import io.kafkautility.config.ConfigurationException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The secret keys that sign and check session tokens ({@link SessionTokens}): every instance of a chat backend must
 * hold the same ones, so a page that reconnects to another instance keeps its session. A {@link #current()} key signs
 * new tokens; a {@link #previous()} key, while a rotation is under way, is still accepted for checking, so rotating a key
 * logs nobody out: deploy {@code current=new, previous=old} everywhere, then drop the old one once the session lifetime
 * has passed.
 *
 * <p>From configuration, {@link #fromEnvironment()}: {@value #ENV_KEY} (the current key) and {@value #ENV_PREVIOUS_KEY}
 * (optional), each at least {@value #MIN_KEY_BYTES} random bytes, base64 (standard or URL-safe). Generate one with
 * {@code openssl rand -base64 32}.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows a key.
 */
public final class SessionKeys {

    /** The environment variable of the current key. */
    public static final String ENV_KEY = "KAFKA_UTILITY_SESSION_KEY";
    /** The environment variable of the key being rotated out (optional). */
    public static final String ENV_PREVIOUS_KEY = "KAFKA_UTILITY_SESSION_KEY_PREVIOUS";
    /** The shortest key accepted: 256 bits, the size of HMAC-SHA-256's output. */
    public static final int MIN_KEY_BYTES = 32;

    private final byte[] current;
    private final byte[] previous;
    private final boolean generated;

    private SessionKeys(byte[] current, byte[] previous, boolean generated) {
        this.current = check("current session key", current);
        this.previous = previous == null ? null : check("previous session key", previous);
        this.generated = generated;
    }

    /** One key, signing and checking. */
    public static SessionKeys of(byte[] current) {
        return new SessionKeys(Objects.requireNonNull(current, "current").clone(), null, false);
    }

    /** A key that signs and checks, and one still accepted for checking (a rotation under way). */
    public static SessionKeys of(byte[] current, byte[] previous) {
        return new SessionKeys(Objects.requireNonNull(current, "current").clone(),
                Objects.requireNonNull(previous, "previous").clone(), false);
    }

    /**
     * The keys in {@value #ENV_KEY} and {@value #ENV_PREVIOUS_KEY} of the process environment.
     *
     * @throws ConfigurationException if {@value #ENV_KEY} is missing or a value is not base64 of at least
     *                                {@value #MIN_KEY_BYTES} bytes (the message names the variable, never its value)
     */
    public static SessionKeys fromEnvironment() {
        return from(System.getenv());
    }

    /** As {@link #fromEnvironment()}, from {@code environment}. */
    public static SessionKeys from(Map<String, String> environment) {
        String current = environment.get(ENV_KEY);
        if (current == null || current.isBlank()) {
            throw new ConfigurationException(ENV_KEY + " is not set: the chat backend needs a session key that every "
                    + "instance shares (at least " + MIN_KEY_BYTES + " random bytes, base64, e.g. `openssl rand "
                    + "-base64 32`), or SessionManagerOptions.Builder.sessionKeys(...)");
        }
        String previous = environment.get(ENV_PREVIOUS_KEY);
        return new SessionKeys(decode(ENV_KEY, current),
                previous == null || previous.isBlank() ? null : decode(ENV_PREVIOUS_KEY, previous), false);
    }

    /** Whether {@value #ENV_KEY} is set in {@code environment}. */
    public static boolean configuredIn(Map<String, String> environment) {
        String current = environment.get(ENV_KEY);
        return current != null && !current.isBlank();
    }

    /**
     * A random key for this process only: for a demo or a test with one instance. Tokens it signs are not accepted by
     * any other process (a page that reconnects to another instance, or to this one after a restart, gets a new
     * session). {@link #isGenerated()} is true so the manager can warn.
     */
    public static SessionKeys generated() {
        byte[] key = new byte[MIN_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new SessionKeys(key, null, true);
    }

    /** The key new tokens are signed with (a copy). */
    public byte[] current() {
        return current.clone();
    }

    /** The key still accepted while a rotation is under way (a copy), or null. */
    public byte[] previous() {
        return previous == null ? null : previous.clone();
    }

    /** The keys tokens are checked with, the current one first (copies). */
    public List<byte[]> checking() {
        List<byte[]> keys = new ArrayList<>(2);
        keys.add(current());
        if (previous != null) {
            keys.add(previous());
        }
        return keys;
    }

    /** Whether these keys were made up by {@link #generated()} (this process only). */
    public boolean isGenerated() {
        return generated;
    }

    @Override
    public String toString() {
        return "SessionKeys{current=[hidden]" + (previous == null ? "" : ", previous=[hidden]")
                + (generated ? ", generated" : "") + "}";
    }

    private static byte[] decode(String variable, String value) {
        String v = value.trim();
        byte[] key;
        try {
            key = v.indexOf('-') >= 0 || v.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(v)
                    : Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(variable + " must be base64 (standard or URL-safe) of at least "
                    + MIN_KEY_BYTES + " random bytes, but it does not decode as base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new ConfigurationException(variable + " must be at least " + MIN_KEY_BYTES + " bytes but decodes to "
                    + key.length);
        }
        return key;
    }

    private static byte[] check(String what, byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new ConfigurationException(what + " must be at least " + MIN_KEY_BYTES + " bytes but was "
                    + key.length);
        }
        return key;
    }
}
