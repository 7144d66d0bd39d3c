package io.kafkautility.cli;

import io.kafkautility.KafkaUtilityException;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.deadletter.DeadLetterEntry;
import io.kafkautility.deadletter.DeadLetterReplay;
import io.kafkautility.deadletter.DeadLetterReplayOptions;
import io.kafkautility.deadletter.DeadLetterSummary;
import io.kafkautility.deadletter.ReplayResult;
import io.kafkautility.deadletter.ReplaySelection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-utility-dlt}: look into a dead-letter topic and replay what was fixed. The connection comes from the
 * environment and {@code .env} like every kafka-utility client ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}, ...), {@code --bootstrap-servers} overrides the brokers.
 *
 * <pre>
 * java -jar kafka-utility-cli-all.jar list   --topic rag.documents.DLT [--entries]
 * java -jar kafka-utility-cli-all.jar replay --topic rag.documents.DLT --reason NON_RETRYABLE --older-than 10m --dry-run
 * </pre>
 *
 * Exit status: 0 done, 1 failed (the reason on stderr, without payloads or secrets), 2 bad usage.
 */
@Command(name = "kafka-utility-dlt", mixinStandardHelpOptions = true, version = "kafka-utility-dlt 0.1.0",
        description = "Lists a dead-letter topic by reason and age, and replays a selection to its original topic.",
        subcommands = {DeadLetterTool.ListCommand.class, DeadLetterTool.ReplayCommand.class})
public final class DeadLetterTool implements Callable<Integer> {

    @Option(names = {"-b", "--bootstrap-servers"}, description = "Brokers (else KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment the connection is read from (a seam for tests). */
    Function<String, String> environment = System::getenv;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(new DeadLetterTool(), args, out, err);
    }

    static int run(DeadLetterTool tool, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(tool);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("kafka-utility-dlt: " + (e instanceof ConfigurationException
                    || e instanceof KafkaUtilityException ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    KafkaConnectionOptions connection() {
        KafkaConnectionOptions.Builder b = KafkaConnectionOptions.fromEnvironment(
                io.kafkautility.config.EnvironmentSource.firstOf(name -> java.util.Optional.ofNullable(
                        environment.apply(name)), io.kafkautility.config.EnvironmentSource.standard()));
        if (bootstrapServers != null) {
            b.bootstrapServers(bootstrapServers);
        }
        return b.build();
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 7d} or an ISO-8601 duration ({@code PT1H30M}). */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (10m, 2h, 7d, PT1H)");
        }
    }

    /** {@link #duration} for picocli: a bad value is a usage error (status 2). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    static String age(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    /** {@code list}: counts by reason and age, and with {@code --entries} one line per record. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Counts the records of a dead-letter topic by reason and age (and lists them).")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        DeadLetterTool tool;

        @Option(names = {"-t", "--topic"}, required = true, description = "The dead-letter topic.")
        String topic;

        @Option(names = "--entries", description = "Also print one line per record (no payloads).")
        boolean entries;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (DeadLetterReplay replay = DeadLetterReplay.create(DeadLetterReplayOptions.builder(tool.connection(),
                    topic).build())) {
                List<DeadLetterEntry> all = replay.list();
                DeadLetterSummary summary = DeadLetterSummary.of(all);
                out.printf("%s: %d records, %d replayed%n", topic, summary.total(), summary.replayed());
                out.printf("%-24s %8s %8s %8s %8s%n", "reason", "<1h", "<1d", "<7d", ">=7d");
                for (Map.Entry<String, Map<String, Long>> r : summary.byReason().entrySet()) {
                    List<Object> row = new ArrayList<>();
                    row.add(r.getKey());
                    for (String bucket : DeadLetterSummary.BUCKETS) {
                        row.add(r.getValue().getOrDefault(bucket, 0L));
                    }
                    out.printf("%-24s %8d %8d %8d %8d%n", row.toArray());
                }
                if (entries) {
                    Instant now = Instant.now();
                    out.printf("%n%-9s %-10s %-24s %-6s %-30s %-38s %s%n", "partition", "offset", "reason", "age",
                            "original topic", "message id", "replayed");
                    for (DeadLetterEntry e : all) {
                        out.printf("%-9d %-10d %-24s %-6s %-30s %-38s %s%n", e.partition(), e.offset(), e.reason(),
                                age(e.age(now)), e.originalTopic().orElse("-"), e.messageId().orElse("-"),
                                e.replayed() ? "yes" : "no");
                    }
                }
            }
            return 0;
        }
    }

    /** {@code replay}: re-publishes a selection, once. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Re-publishes selected dead-letter records to their original topic (or --to), once each.")
    static final class ReplayCommand implements Callable<Integer> {
        @ParentCommand
        DeadLetterTool tool;

        @Option(names = {"-t", "--topic"}, required = true, description = "The dead-letter topic.")
        String topic;

        @Option(names = {"-r", "--reason"}, description = "Only this reason (repeatable), e.g. NON_RETRYABLE.")
        List<String> reasons = new ArrayList<>();

        @Option(names = "--older-than", converter = DurationConverter.class,
                description = "Only records that failed at least this long ago (10m, 2h).")
        Duration olderThan;

        @Option(names = "--newer-than", converter = DurationConverter.class,
                description = "Only records that failed less than this long ago (1d).")
        Duration newerThan;

        @Option(names = "--to", description = "Re-publish to this topic instead of each record's original topic.")
        String to;

        @Option(names = "--limit", description = "Replay at most this many records.")
        Long limit;

        @Option(names = "--dry-run", description = "Count what would be replayed; re-publish nothing.")
        boolean dryRun;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ReplaySelection.Builder selection = ReplaySelection.builder().dryRun(dryRun);
            reasons.forEach(selection::reason);
            if (olderThan != null) {
                selection.olderThan(olderThan);
            }
            if (newerThan != null) {
                selection.newerThan(newerThan);
            }
            if (to != null) {
                selection.to(to);
            }
            if (limit != null) {
                selection.limit(limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (DeadLetterReplay replay = DeadLetterReplay.create(DeadLetterReplayOptions.builder(tool.connection(),
                    topic).build())) {
                ReplayResult r = replay.replay(selection.build());
                out.printf("%s: %d selected, %d %s, %d replayed before, %d refused (original topic not of this "
                                + "dead-letter topic; use --to)%n", topic, r.selected(),
                        dryRun ? r.replayIds().size() : r.replayed(), dryRun ? "would be replayed (dry run)"
                                : "replayed", r.alreadyReplayed(), r.refused());
                r.replayIds().forEach(id -> out.println("  " + (dryRun ? "would replay " : "replayed ") + id));
            }
            return 0;
        }
    }
}
