package io.kafkautility.internal.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    @Test
    void theFastPathAgreesWithTheFormatterOnWhatTheLibraryWrites() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-5_000_000_000L, 50_000_000_000L),
                    i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = DateTimeFormatter.ISO_INSTANT.format(t); // 0, 3, 6 or 9 fraction digits
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(t);
        }
    }

    @Test
    void formatWritesWhatIsoInstantWrites() {
        SplittableRandom random = new SplittableRandom(7);
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(951_782_400L), // 2000-02-29
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN,
                Instant.MAX, Instant.ofEpochSecond(1, 120_000_000), Instant.ofEpochSecond(1, 123_456_000));
        for (Instant t : edges) {
            assertThat(Rfc3339.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
        }
        for (int i = 0; i < 50_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(random.nextLong(-70_000_000_000L, 260_000_000_000L), nanos);
            assertThat(Rfc3339.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
        }
    }

    @Test
    void otherFormsGoThroughTheFormatter() {
        for (String text : List.of("2026-11-22T10:00:00+01:00", "2026-11-22T10:00:00.5-03:30",
                "2026-11-22T10:00:00.1Z", "2026-11-22T10:00:00.12345Z", "2026-11-22t10:00:00z")) {
            Instant expected;
            try {
                expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> Rfc3339.parse(text)).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void invalidTimestampsAreRejectedLikeTheFormatterDoes() {
        for (String text : List.of("2026-13-22T10:00:00Z", "2026-02-30T10:00:00Z", "2026-11-22T24:00:00Z",
                "2026-11-22T10:00:60Z", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00",
                "x026-11-22T10:00:00Z", "2026-11-22T10:00:00.1234567890Z", "", "Z")) {
            assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
