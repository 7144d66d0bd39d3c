package io.kafkautility.benchmarks;

/**
 * One line of the table: the median of the rounds for the baseline and for the library, and their ratio.
 *
 * @param name what was measured
 * @param unit the unit of both values
 * @param baseline the baseline's median
 * @param ours the library's median
 * @param higherIsBetter whether a larger value is better (throughput) or worse (latency, memory)
 * @param target the target, in words, e.g. {@code >= 0.90x}
 * @param met whether the target was met
 */
record Result(String name, String unit, double baseline, double ours, boolean higherIsBetter, String target,
              boolean met) {

    /** ours / baseline. */
    double ratio() {
        return baseline == 0 ? Double.NaN : ours / baseline;
    }

    static Result ratioAtLeast(String name, String unit, double baseline, double ours, double min) {
        double ratio = baseline == 0 ? Double.NaN : ours / baseline;
        return new Result(name, unit, baseline, ours, true, String.format(">= %.2fx", min), ratio >= min);
    }

    static Result ratioAtMost(String name, String unit, double baseline, double ours, double max) {
        double ratio = baseline == 0 ? Double.NaN : ours / baseline;
        return new Result(name, unit, baseline, ours, false, String.format("<= %.2fx", max), ratio <= max);
    }

    static Result absoluteAtMost(String name, String unit, double baseline, double ours, double max) {
        return new Result(name, unit, baseline, ours, false, String.format("<= %s %s", fmt(max), unit), ours <= max);
    }

    static Result info(String name, String unit, double baseline, double ours) {
        return new Result(name, unit, baseline, ours, false, "-", true);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 1000) {
            return String.format("%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format("%.1f", v);
        }
        return String.format("%.3f", v);
    }
}
