package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures everything a test class writes to {@code System.out} and {@code System.err} (where slf4j-simple writes
 * every log line of the backend, the library and Kafka's clients), still passing it through, and fails the class if a
 * secret a test saw (a session token, a JWT) appears in it. Tests register each secret they receive with
 * {@link #secret(String)}; {@link ChatPage} does for every token it is given.
 */
public final class NoSecretsInLogs implements BeforeAllCallback, AfterAllCallback {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private PrintStream out;
    private PrintStream err;

    /** Remembers a secret that must never be logged. */
    static void secret(String value) {
        if (value != null && value.length() >= 16) {
            SECRETS.add(value);
        }
    }

    /** How many secrets were registered so far (a check that the tests did register some). */
    static int secrets() {
        return SECRETS.size();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        out = System.out;
        err = System.err;
        System.setOut(tee(out));
        System.setErr(tee(err));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.setOut(out);
        System.setErr(err);
        String log;
        synchronized (CAPTURED) {
            log = CAPTURED.toString(StandardCharsets.UTF_8);
            CAPTURED.reset();
        }
        assertThat(SECRETS).as("the tests registered the tokens they were given").isNotEmpty();
        for (String secret : SECRETS) {
            assertThat(log.contains(secret)).as("a token or JWT appears in the captured log of "
                    + context.getDisplayName() + " (" + log.lines().filter(l -> l.contains(secret)).findFirst()
                    .map(l -> l.replace(secret, "<SECRET>")).orElse("") + ")").isFalse();
        }
        System.out.printf("NO-SECRETS %s: %d tokens and JWTs checked against %d captured log lines: none found%n",
                context.getDisplayName(), SECRETS.size(), log.lines().count());
    }

    private static PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (CAPTURED) {
                    CAPTURED.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (CAPTURED) {
                    CAPTURED.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }
}
