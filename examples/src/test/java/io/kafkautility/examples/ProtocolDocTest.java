package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.MessageHeaders;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.requestreply.RequestRejectedException;
import io.kafkautility.response.ChatWebSocket;
import io.kafkautility.validation.RejectReason;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps PROTOCOL.md honest: every header of {@link MessageHeaders}, every rejection and dead-letter reason, every
 * error-reply code and every chat frame error and close code the code has is named there, and every {@code ku_} header
 * it names exists.
 */
class ProtocolDocTest {

    private static final String DOC = read(Path.of("..", "PROTOCOL.md"));

    @Test
    void everyHeaderReasonAndCodeOfTheCodeIsInProtocolMd() throws Exception {
        List<String> missing = new ArrayList<>();
        Set<String> headers = headerValues();
        for (String h : headers) {
            need(missing, h);
        }
        for (RejectReason r : RejectReason.values()) {
            need(missing, r.name());
        }
        for (DeadLetterReason r : DeadLetterReason.values()) {
            need(missing, r.name());
        }
        Class<?> responder = Class.forName("io.kafkautility.internal.requestreply.DefaultResponder");
        int reasons = 0;
        for (Field f : responder.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("REASON_")
                    && f.getType() == String.class) {
                f.setAccessible(true);
                need(missing, (String) f.get(null));
                reasons++;
            }
        }
        assertThat(reasons).as("the responder's dead-letter reasons were found").isGreaterThanOrEqualTo(5);
        need(missing, RequestRejectedException.HANDLER_FAILED);
        need(missing, RequestRejectedException.INVALID_REQUEST);
        // the codes the library's own handlers reject with, and the chat frames' error codes
        Set<String> codes = literalCodes();
        assertThat(codes).contains("CANCELLED", "BAD_FRAME", "QUESTION_PENDING");
        codes.forEach(c -> need(missing, c));
        for (int close : new int[] {ChatWebSocket.CLOSE_TAKEN_OVER, ChatWebSocket.CLOSE_HELLO_EXPECTED,
                ChatWebSocket.CLOSE_OTHER_PRINCIPAL, ChatWebSocket.CLOSE_RATE_LIMITED}) {
            need(missing, Integer.toString(close));
        }
        need(missing, ChatWebSocket.SUBPROTOCOL);
        need(missing, ChatWebSocket.TOKEN_SUBPROTOCOL_PREFIX);
        assertThat(missing).as("named in the code, missing from PROTOCOL.md").isEmpty();
        System.out.printf("PROTOCOL.md names all %d headers, %d reasons and %d codes of the code (%s)%n",
                headers.size(), RejectReason.values().length + DeadLetterReason.values().length + reasons,
                codes.size() + 2, codes);
    }

    @Test
    void everyKuHeaderProtocolMdNamesExists() throws Exception {
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("\\bku_[a-z_]+\\b").matcher(DOC);
        while (m.find()) {
            named.add(m.group());
        }
        named.removeIf(n -> n.equals("ku_dlt_") || n.equals("ku_retry_"));
        Set<String> headers = headerValues();
        assertThat(named).as("ku_ headers in PROTOCOL.md").isNotEmpty();
        assertThat(headers).as("headers of MessageHeaders").containsAll(named.stream()
                .filter(n -> !n.endsWith("_")).toList());
    }

    private static void need(List<String> missing, String name) {
        if (!DOC.contains(name)) {
            missing.add(name);
        }
    }

    private static Set<String> headerValues() throws IllegalAccessException {
        Set<String> values = new TreeSet<>();
        for (Field f : MessageHeaders.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        return values;
    }

    /** Error codes written as literals in the main code: rejections, chat error frames, failed questions. */
    private static Set<String> literalCodes() throws Exception {
        Pattern code = Pattern.compile("(?:RequestRejectedException\\(|error\\(|refusal\\(|failQuestion\\([^,]+, [^,]+, )"
                + "\"([A-Z][A-Z_]{3,})\"");
        Set<String> codes = new TreeSet<>();
        for (String module : List.of("kafka-utility-core", "client-llm-service", "client-query-service",
                "response-consumer", "examples")) {
            try (Stream<Path> files = Files.walk(Path.of("..", module, "src", "main", "java"))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = code.matcher(read(p));
                    while (m.find()) {
                        codes.add(m.group(1));
                    }
                }
            }
        }
        return codes;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
