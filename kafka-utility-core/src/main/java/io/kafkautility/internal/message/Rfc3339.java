package io.kafkautility.internal.message;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps. The form every writer of this library produces ({@code 2026-11-22T10:00:00.123Z}: UTC,
 * 0 to 9 fraction digits) is parsed by hand, about ten times faster than {@link DateTimeFormatter}; anything else
 * (offsets, lowercase separators) goes through {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, as does every error.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    /** @throws DateTimeParseException if {@code text} is not an RFC 3339 date-time with an offset */
    static Instant parse(String text) {
        Instant fast = parseUtc(text);
        return fast != null ? fast : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** The fast path; null when {@code s} is not exactly {@code yyyy-MM-ddTHH:mm:ss[.fffffffff]Z} or out of range. */
    private static Instant parseUtc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // let the formatter report it
        }
    }

    /** The decimal value of {@code s[from, to)}, or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
