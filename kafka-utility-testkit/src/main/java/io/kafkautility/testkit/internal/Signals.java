package io.kafkautility.testkit.internal;

import io.kafkautility.testkit.KafkaTestkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Sends a POSIX signal to one PID with {@code kill -SIG pid}. */
public final class Signals {
    private Signals() {
    }

    public static void send(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new KafkaTestkitException("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new KafkaTestkitException("cannot run kill -" + signal + " " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}
