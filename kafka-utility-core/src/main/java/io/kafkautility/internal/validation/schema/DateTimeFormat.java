package io.kafkautility.internal.validation.schema;

import java.util.Set;

/**
 * JSON Schema's {@code date-time}: RFC 3339 §5.6 {@code date-time}, with the restrictions of §5.7, exactly:
 * <pre>
 *   date-time = full-date "T" full-time          ; "T" and "Z" may be lower case (§5.6 NOTE)
 *   full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT      ; month 01-12, day within the month, leap years
 *   full-time = 2DIGIT ":" 2DIGIT ":" 2DIGIT ["." 1*DIGIT] ("Z" / ("+" / "-") 2DIGIT ":" 2DIGIT)
 * </pre>
 * Hours 00-23 and minutes 00-59, in the time and in the offset (so {@code +23:59} and {@code -00:00} are valid); any
 * number of fraction digits; second 60 only for a leap second, which in UTC (the time minus its offset) must be
 * 23:59:60 on the last day of a month in which IERS inserted one (RFC 3339 Appendix D and the IERS bulletins since).
 * Nothing before or after. Stateless.
 */
public final class DateTimeFormat {

    /** UTC dates (yyyymmdd) at whose end a positive leap second was inserted, 1972 to today (none since 2016). */
    private static final Set<Integer> LEAP_SECOND_DAYS = Set.of(
            19720630, 19721231, 19731231, 19741231, 19751231, 19761231, 19771231, 19781231, 19791231,
            19810630, 19820630, 19830630, 19850630, 19871231, 19891231, 19901231, 19920630, 19930630,
            19940630, 19951231, 19970630, 19981231, 20051231, 20081231, 20120630, 20150630, 20161231);

    private DateTimeFormat() {
    }

    /** @return whether {@code s} is an RFC 3339 date-time */
    public static boolean isValid(String s) {
        int n = s.length();
        if (n < 20) {
            return false;
        }
        int year = digits(s, 0, 4);
        if (year < 0 || s.charAt(4) != '-') {
            return false;
        }
        int month = digits(s, 5, 2);
        if (month < 1 || month > 12 || s.charAt(7) != '-') {
            return false;
        }
        int day = digits(s, 8, 2);
        if (day < 1 || day > daysIn(year, month)) {
            return false;
        }
        char t = s.charAt(10);
        if (t != 'T' && t != 't') {
            return false;
        }
        int hour = digits(s, 11, 2);
        if (hour < 0 || hour > 23 || s.charAt(13) != ':') {
            return false;
        }
        int minute = digits(s, 14, 2);
        if (minute < 0 || minute > 59 || s.charAt(16) != ':') {
            return false;
        }
        int second = digits(s, 17, 2);
        if (second < 0 || second > 60) {
            return false;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i >= n) {
            return false;
        }
        char z = s.charAt(i);
        int offsetMinutes;
        if (z == 'Z' || z == 'z') {
            if (i + 1 != n) {
                return false;
            }
            offsetMinutes = 0;
        } else if (z == '+' || z == '-') {
            if (i + 6 != n || s.charAt(i + 3) != ':') {
                return false;
            }
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                return false;
            }
            offsetMinutes = (z == '+' ? 1 : -1) * (oh * 60 + om);
        } else {
            return false;
        }
        return second != 60 || isLeapSecond(year, month, day, hour, minute, offsetMinutes);
    }

    private static boolean isLeapSecond(int year, int month, int day, int hour, int minute, int offsetMinutes) {
        // local time minus the offset is UTC; the leap second is 23:59:60 UTC on a listed day
        int minutes = hour * 60 + minute - offsetMinutes;
        int y = year;
        int m = month;
        int d = day;
        if (minutes < 0) {
            minutes += 24 * 60;
            if (--d == 0) {
                if (--m == 0) {
                    m = 12;
                    y--;
                }
                d = daysIn(y, m);
            }
        } else if (minutes >= 24 * 60) {
            minutes -= 24 * 60;
            if (++d > daysIn(y, m)) {
                d = 1;
                if (++m == 13) {
                    m = 1;
                    y++;
                }
            }
        }
        return minutes == 23 * 60 + 59 && LEAP_SECOND_DAYS.contains(y * 10000 + m * 100 + d);
    }

    static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** @return the value of {@code count} ASCII digits at {@code from}, or -1 */
    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
