package io.kafkautility.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
        assertThat(Stats.median(values)).isEqualTo(3.0);
        assertThat(Stats.percentile(values, 99)).isEqualTo(5.0);
        assertThat(Stats.percentile(values, 20)).isEqualTo(1.0);
    }

    @Test
    void ratiosAndTargets() {
        Result producer = Result.ratioAtLeast("p", "msg/s", 100, 95, 0.90);
        assertThat(producer.ratio()).isEqualTo(0.95);
        assertThat(producer.met()).isTrue();
        assertThat(Result.ratioAtLeast("p", "msg/s", 100, 80, 0.90).met()).isFalse();
        assertThat(Result.ratioAtMost("l", "ms", 3.0, 2.5, 1.0).met()).isTrue();
        String table = Report.table(List.of(producer, Result.ratioAtMost("l", "ms", 3.0, 4.0, 1.0)));
        assertThat(table).contains("| p | msg/s | 100.0 | 95.0 | 0.95x | >= 0.90x | yes |")
                .contains("| NO |");
        assertThat(Report.markdown(List.of(producer), "setup", List.of("a note")))
                .contains("# Benchmark results", "CPUs", "setup", "- a note");
    }
}
