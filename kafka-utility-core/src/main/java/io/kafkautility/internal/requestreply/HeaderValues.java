package io.kafkautility.internal.requestreply;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/** Reading and writing the library's UTF-8 header values. */
final class HeaderValues {

    private HeaderValues() {
    }

    static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static boolean isTrue(Headers headers, String name) {
        return "true".equals(get(headers, name));
    }

    /** @return the header parsed as a long, or {@code fallback} if absent or malformed */
    static long getLong(Headers headers, String name, long fallback) {
        String v = get(headers, name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String truncate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
