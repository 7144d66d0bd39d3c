package io.kafkautility.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** The printed table and {@code benchmarks/RESULTS.md}. */
final class Report {

    private Report() {
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | unit | baseline | kafka-utility | ratio | target | met |\n");
        sb.append("|---|---|---:|---:|---:|---|---|\n");
        for (Result r : results) {
            sb.append("| ").append(r.name()).append(" | ").append(r.unit()).append(" | ")
                    .append(Result.fmt(r.baseline())).append(" | ").append(Result.fmt(r.ours())).append(" | ")
                    .append(Double.isNaN(r.ratio()) ? "n/a" : String.format("%.2fx", r.ratio())).append(" | ")
                    .append(r.target()).append(" | ").append(r.target().equals("-") ? "-" : r.met() ? "yes" : "NO")
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String markdown(List<Result> results, String setup, List<String> notes) {
        StringBuilder sb = new StringBuilder("# Benchmark results\n\n");
        sb.append("Run on ").append(LocalDate.now()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", max heap ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB.\n\n");
        sb.append(setup).append("\n\n");
        sb.append(table(results)).append('\n');
        if (!notes.isEmpty()) {
            sb.append("Notes:\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        sb.append("\nRegenerate with `mvn -B -Pbench -DskipTests package` (from the repository root).\n");
        return sb.toString();
    }

    static void write(Path file, String markdown) throws IOException {
        Files.writeString(file, markdown);
    }
}
