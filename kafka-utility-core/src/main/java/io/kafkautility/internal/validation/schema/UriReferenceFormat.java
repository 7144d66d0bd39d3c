package io.kafkautility.internal.validation.schema;

/**
 * JSON Schema's {@code uri-reference}: RFC 3986 §4.1 {@code URI-reference = URI / relative-ref}, by its ABNF:
 * ASCII only; a scheme, then {@code "//" authority} or a path; {@code authority = [userinfo "@"] host [":" port]}
 * with {@code host = IP-literal / IPv4address / reg-name}, {@code IP-literal = "[" (IPv6address / IPvFuture) "]"}
 * (no zone ids: those are RFC 6874's, not RFC 3986's), {@code port = *DIGIT}; the first segment of a relative path
 * without a scheme holds no colon; percent signs start two hex digits. Stateless.
 */
public final class UriReferenceFormat {

    private UriReferenceFormat() {
    }

    /** @return whether {@code s} is an RFC 3986 URI-reference */
    public static boolean isValid(String s) {
        int n = s.length();
        int end = firstOf(s, 0, "/?#");
        int colon = s.indexOf(':');
        int i = 0;
        boolean hasScheme = colon >= 0 && (end < 0 || colon < end);
        if (hasScheme) {
            if (!isScheme(s, 0, colon)) {
                return false; // a colon in the first segment of a relative reference
            }
            i = colon + 1;
        }
        // hier-part / relative-part
        if (s.startsWith("//", i)) {
            int authEnd = firstOf(s, i + 2, "/?#");
            if (authEnd < 0) {
                authEnd = n;
            }
            if (!isAuthority(s, i + 2, authEnd)) {
                return false;
            }
            i = authEnd;
        }
        int pathEnd = firstOf(s, i, "?#");
        if (pathEnd < 0) {
            pathEnd = n;
        }
        if (!isPath(s, i, pathEnd)) {
            return false;
        }
        i = pathEnd;
        if (i < n && s.charAt(i) == '?') {
            int queryEnd = s.indexOf('#', i);
            if (queryEnd < 0) {
                queryEnd = n;
            }
            if (!isQueryOrFragment(s, i + 1, queryEnd)) {
                return false;
            }
            i = queryEnd;
        }
        if (i < n && s.charAt(i) == '#') {
            return isQueryOrFragment(s, i + 1, n);
        }
        return i == n;
    }

    private static boolean isScheme(String s, int from, int to) {
        if (to <= from || !isAlpha(s.charAt(from))) {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAuthority(String s, int from, int to) {
        int at = s.indexOf('@', from);
        int hostFrom = from;
        if (at >= 0 && at < to) {
            for (int i = from; i < at; ) {
                int next = pchar(s, i, at, ":");
                if (next < 0) {
                    return false;
                }
                i = next;
            }
            hostFrom = at + 1;
        }
        int portFrom;
        if (hostFrom < to && s.charAt(hostFrom) == '[') {
            int close = s.indexOf(']', hostFrom);
            if (close < 0 || close >= to) {
                return false;
            }
            String literal = s.substring(hostFrom + 1, close);
            if (!isIpv6(literal) && !isIpvFuture(literal)) {
                return false;
            }
            portFrom = close + 1;
        } else {
            int i = hostFrom;
            while (i < to && s.charAt(i) != ':') {
                int next = pchar(s, i, to, "");
                if (next < 0) {
                    return false; // '@', '[' or ']' and the like in a reg-name
                }
                i = next;
            }
            portFrom = i;
        }
        if (portFrom == to) {
            return true;
        }
        if (s.charAt(portFrom) != ':') {
            return false;
        }
        for (int i = portFrom + 1; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPath(String s, int from, int to) {
        for (int i = from; i < to; ) {
            if (s.charAt(i) == '/') {
                i++;
                continue;
            }
            int next = pchar(s, i, to, ":@");
            if (next < 0) {
                return false;
            }
            i = next;
        }
        return true;
    }

    private static boolean isQueryOrFragment(String s, int from, int to) {
        for (int i = from; i < to; ) {
            int next = pchar(s, i, to, ":@/?");
            if (next < 0) {
                return false;
            }
            i = next;
        }
        return true;
    }

    /** @return the index after one unreserved, pct-encoded, sub-delim or {@code extra} character at i, or -1 */
    private static int pchar(String s, int i, int to, String extra) {
        char c = s.charAt(i);
        if (c == '%') {
            return i + 2 < to && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2)) ? i + 3 : -1;
        }
        if (isUnreserved(c) || isSubDelim(c) || extra.indexOf(c) >= 0) {
            return i + 1;
        }
        return -1;
    }

    static boolean isIpvFuture(String s) {
        // "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        if (s.length() < 4 || (s.charAt(0) != 'v' && s.charAt(0) != 'V')) {
            return false;
        }
        int i = 1;
        while (i < s.length() && isHex(s.charAt(i))) {
            i++;
        }
        if (i == 1 || i >= s.length() - 1 || s.charAt(i) != '.') {
            return false;
        }
        for (i++; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isUnreserved(c) && !isSubDelim(c) && c != ':') {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        // RFC 3986 IPv6address: 8 h16 pieces (the last two may be an IPv4address), one "::" standing for one or more
        int n = s.length();
        if (n < 2) {
            return false;
        }
        int pieces = 0;
        boolean elided = false;
        int i = 0;
        if (s.startsWith("::")) {
            elided = true;
            i = 2;
            if (i == n) {
                return true;
            }
        } else if (s.charAt(0) == ':') {
            return false;
        }
        while (i < n) {
            int start = i;
            while (i < n && isHex(s.charAt(i)) && i - start < 5) {
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // an IPv4address ends the address and counts as two pieces
                if (!isIpv4(s, start, n)) {
                    return false;
                }
                pieces += 2;
                i = n;
                break;
            }
            int len = i - start;
            if (len < 1 || len > 4) {
                return false;
            }
            pieces++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (elided) {
                    return false;
                }
                elided = true;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return false; // a single trailing colon
            }
        }
        return elided ? pieces <= 7 : pieces == 8;
    }

    private static boolean isIpv4(String s, int from, int to) {
        int octets = 0;
        int i = from;
        while (i <= to) {
            int start = i;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
            }
            int len = i - start;
            if (len < 1 || len > 3 || (len > 1 && s.charAt(start) == '0')
                    || Integer.parseInt(s.substring(start, i)) > 255) {
                return false;
            }
            octets++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
        return octets == 4;
    }

    private static int firstOf(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnreserved(char c) {
        return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
