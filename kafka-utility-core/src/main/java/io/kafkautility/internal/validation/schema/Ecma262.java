package io.kafkautility.internal.validation.schema;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ECMA-262 regular expressions (JSON Schema's dialect for {@code pattern}, read with the {@code u} flag, as the test
 * suite's non-BMP cases expect) translated to {@link java.util.regex.Pattern}. The differences that matter:
 * <ul>
 *   <li>{@code $} matches only at the very end of the input (Java's also matches before a final line terminator);</li>
 *   <li>{@code .} excludes exactly LF, CR, U+2028 and U+2029 (Java's also excludes U+0085);</li>
 *   <li>{@code \s} / {@code \S} are ECMA's Unicode white space and line terminators (Java's are ASCII);</li>
 *   <li>{@code \d} and {@code \w} stay ASCII; {@code \cX} is a control character;</li>
 *   <li>{@code [^]} matches any character, {@code []} none.</li>
 * </ul>
 * Constructs that ECMA-262 does not have but Java would accept silently ({@code \A}, {@code \Z}, {@code \z},
 * {@code \Q}, possessive quantifiers, inline flags, class intersections, {@code \h}, {@code \R}, ...) are refused
 * with a {@link PatternSyntaxException}, so a schema using them is not given a meaning it does not have: the caller
 * then fails closed. Patterns are not anchored ({@link #matches} is a search). Stateless.
 */
public final class Ecma262 {

    private static final String WHITE = "\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";
    private static final String DOT = "[^\\n\\r\\u2028\\u2029]";

    private Ecma262() {
    }

    /**
     * @param ecma an ECMA-262 pattern
     * @return the equivalent Java pattern
     * @throws PatternSyntaxException if the pattern is not ECMA-262 or uses a construct this translation refuses
     */
    public static Pattern compile(String ecma) {
        return Pattern.compile(translate(ecma));
    }

    /** @return whether the pattern matches anywhere in the input (JSON Schema's {@code pattern} semantics) */
    public static boolean matches(Pattern p, String input) {
        return p.matcher(input).find();
    }

    static String translate(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        boolean inClass = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw refuse(s, i, "a trailing backslash");
                }
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'd' -> out.append(inClass ? "0-9" : "[0-9]");
                    case 'D' -> out.append(inClass ? "\\x00-/:-\\x{10FFFF}" : "[^0-9]");
                    case 'w' -> out.append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]");
                    case 'W' -> {
                        if (inClass) {
                            throw refuse(s, i - 2, "\\W inside a class");
                        }
                        out.append("[^a-zA-Z0-9_]");
                    }
                    case 's' -> out.append(inClass ? WHITE : "[" + WHITE + "]");
                    case 'S' -> {
                        if (inClass) {
                            throw refuse(s, i - 2, "\\S inside a class");
                        }
                        out.append("[^").append(WHITE).append(']');
                    }
                    case 'b', 'B' -> {
                        if (inClass && e == 'b') {
                            out.append("\\x08");
                        } else if (inClass) {
                            throw refuse(s, i - 2, "\\B inside a class");
                        } else {
                            // ECMA's word boundary is ASCII-word based
                            out.append(e == 'b' ? "(?:(?<=[a-zA-Z0-9_])(?![a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?=[a-zA-Z0-9_]))"
                                    : "(?:(?<=[a-zA-Z0-9_])(?=[a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?![a-zA-Z0-9_]))");
                        }
                    }
                    case 'c' -> {
                        if (i >= n || !isAsciiLetter(s.charAt(i))) {
                            throw refuse(s, i - 2, "\\c without a letter");
                        }
                        out.append(String.format("\\x%02x", s.charAt(i) % 32));
                        i++;
                    }
                    case 'u' -> {
                        if (i < n && s.charAt(i) == '{') {
                            int close = s.indexOf('}', i);
                            if (close < 0) {
                                throw refuse(s, i, "an unclosed \\u{");
                            }
                            String hex = s.substring(i + 1, close);
                            if (hex.isEmpty() || !isHex(hex) || Integer.parseInt(hex.length() > 6 ? "110000" : hex, 16) > 0x10FFFF) {
                                throw refuse(s, i, "a bad \\u{...}");
                            }
                            out.append("\\x{").append(hex).append('}');
                            i = close + 1;
                        } else {
                            if (i + 4 > n || !isHex(s.substring(i, i + 4))) {
                                throw refuse(s, i, "a bad \\u escape");
                            }
                            out.append("\\u").append(s, i, i + 4);
                            i += 4;
                        }
                    }
                    case 'x' -> {
                        if (i + 2 > n || !isHex(s.substring(i, i + 2))) {
                            throw refuse(s, i, "a bad \\x escape");
                        }
                        out.append("\\x").append(s, i, i + 2);
                        i += 2;
                    }
                    case 'p', 'P' -> {
                        if (i >= n || s.charAt(i) != '{') {
                            throw refuse(s, i, "\\p without {");
                        }
                        int close = s.indexOf('}', i);
                        if (close < 0) {
                            throw refuse(s, i, "an unclosed \\p{");
                        }
                        out.append('\\').append(e).append(unicodeProperty(s, s.substring(i + 1, close), i));
                        i = close + 1;
                    }
                    case 't', 'n', 'r', 'f', 'v', '0' -> {
                        if (e == '0' && i < n && Character.isDigit(s.charAt(i))) {
                            throw refuse(s, i - 2, "an octal escape");
                        }
                        out.append(switch (e) {
                            case 't' -> "\\t";
                            case 'n' -> "\\n";
                            case 'r' -> "\\r";
                            case 'f' -> "\\f";
                            case 'v' -> "\\x0B";
                            default -> "\\x00";
                        });
                    }
                    case 'k' -> {
                        if (inClass || i >= n || s.charAt(i) != '<') {
                            throw refuse(s, i - 2, "\\k without a group name");
                        }
                        out.append("\\k");
                    }
                    default -> {
                        if (e >= '1' && e <= '9' && !inClass) {
                            out.append('\\').append(e); // a back reference
                        } else if (isSyntaxCharacter(e) || e == '/' || (inClass && e == '-')) {
                            out.append('\\').append(e);
                        } else {
                            // with the u flag an identity escape of anything else is a syntax error
                            throw refuse(s, i - 2, "the escape \\" + e);
                        }
                    }
                }
                continue;
            }
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                    out.append(c);
                } else if (c == '[' || c == '&' && i + 1 < n && s.charAt(i + 1) == '&') {
                    out.append('\\').append(c); // literal in ECMA, nested class or intersection in Java
                } else {
                    out.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    if (s.startsWith("[^]", i)) {
                        out.append("[\\s\\S]");
                        i += 3;
                        continue;
                    }
                    if (s.startsWith("[]", i)) {
                        out.append("(?!)");
                        i += 2;
                        continue;
                    }
                    inClass = true;
                    out.append('[');
                    if (i + 1 < n && s.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    i++;
                    continue;
                }
                case '$' -> out.append("\\z");
                case '.' -> out.append(DOT);
                case '(' -> {
                    if (i + 1 < n && s.charAt(i + 1) == '?') {
                        boolean known = s.startsWith("(?:", i) || s.startsWith("(?=", i) || s.startsWith("(?!", i)
                                || s.startsWith("(?<=", i) || s.startsWith("(?<!", i)
                                || s.startsWith("(?<", i) && i + 3 < n && Character.isLetter(s.charAt(i + 3));
                        if (!known) {
                            throw refuse(s, i, "a group kind ECMA-262 does not have");
                        }
                    }
                    out.append(c);
                }
                case '+', '*', '?', '}' -> {
                    out.append(c);
                    if (i + 1 < n && s.charAt(i + 1) == '+') {
                        throw refuse(s, i, "a possessive quantifier");
                    }
                }
                default -> out.append(c);
            }
            i++;
        }
        if (inClass) {
            throw refuse(s, n, "an unclosed character class");
        }
        return out.toString();
    }

    private static String unicodeProperty(String pattern, String name, int at) {
        // General_Category and Script values with their ECMA spellings, which Java reads as is or after a prefix
        if (name.startsWith("Script=") || name.startsWith("sc=")) {
            return "{Is" + name.substring(name.indexOf('=') + 1) + "}";
        }
        if (name.startsWith("General_Category=") || name.startsWith("gc=")) {
            return "{" + name.substring(name.indexOf('=') + 1) + "}";
        }
        if (name.matches("[A-Za-z_]+")) {
            return name.length() <= 2 ? "{" + name + "}" : "{Is" + name + "}";
        }
        throw refuse(pattern, at, "the property \\p{" + name + "}");
    }

    private static boolean isSyntaxCharacter(char c) {
        return "^$\\.*+?()[]{}|".indexOf(c) >= 0;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static PatternSyntaxException refuse(String pattern, int index, String what) {
        return new PatternSyntaxException("not translated from ECMA-262: " + what, pattern, index);
    }
}
