package io.kafkautility.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void lineBreaksAndControlCharactersAreEscapedOntoOneLine() {
        String forged = "id\r\n12:00:00.000 [main] ERROR x - forged\nnext\u0085nel\u2028ls\u0000nul\tt\u001b[31m";
        String safe = LogText.oneLine(forged);
        assertThat(safe).isEqualTo("id\\r\\n12:00:00.000 [main] ERROR x - forged\\nnext\\u0085nel\\u2028ls"
                + "\\u0000nul\\tt\\u001b[31m");
        assertThat(safe.lines()).hasSize(1);
        assertThat(safe.chars().noneMatch(c -> Character.isISOControl(c))).isTrue();
    }

    @Test
    void safeTextIsReturnedAsIsAndLongTextIsCut() {
        String plain = "rag.document.deleted id=d-1 ünïcödé";
        assertThat(LogText.oneLine(plain)).isSameAs(plain);
        assertThat(LogText.oneLine(null)).isEqualTo("null");
        assertThat(LogText.oneLine("")).isEmpty();
        String longText = "x".repeat(1000);
        assertThat(LogText.oneLine(longText)).hasSize(LogText.MAX_LENGTH + 3).endsWith("...");
        assertThat(LogText.oneLine("\n".repeat(1000))).isEqualTo("\\n".repeat(LogText.MAX_LENGTH) + "...");
    }
}
