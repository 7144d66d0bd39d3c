package io.kafkautility.benchmarks;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark, alternating baseline and kafka-utility for several rounds on the same broker in this process,
 * prints one line per benchmark (medians of the rounds and their ratio) and writes {@code benchmarks/RESULTS.md}.
 * Broker: {@code KAFKA_BOOTSTRAP_SERVERS} when set, else an in-JVM KRaft broker.
 *
 * <p>Switches: {@code -Dbench.rounds} (measured rounds, default 3), {@code -Dbench.warmupRounds} (unmeasured rounds
 * first, default 2), {@code -Dbench.only=producer,consumer,requestreply,requestreplyboth,routing,scaleout,consumerfeatures,micro} (a subset writes
 * {@code target/RESULTS-partial.md} instead), {@code -Dbench.micro} (JMH method regex) and
 * {@code -Dbench.jmhProfiler} (e.g. {@code stack}).
 */
public final class BenchmarkMain {

    private static final String ALL = "producer,consumer,requestreply,requestreplyboth,routing,scaleout,consumerfeatures,micro";

    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final int warmupRounds = Integer.getInteger("bench.warmupRounds", 2);
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> only = Set.of(System.getProperty("bench.only", ALL).split(","));
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        boolean embedded = bootstrap == null || bootstrap.isBlank();
        BenchmarkMain bench = new BenchmarkMain();
        long start = System.nanoTime();
        if (only.stream().anyMatch(b -> !b.equals("micro"))) {
            try (KafkaCluster cluster = embedded ? KafkaCluster.embedded() : KafkaCluster.external(bootstrap);
                 SchemaRegistryServer registry = SchemaRegistryServer.start()) {
                log("broker " + cluster.bootstrapServers() + (embedded ? " (in-JVM KRaft)"
                        : " (KAFKA_BOOTSTRAP_SERVERS)") + ", " + bench.rounds + " rounds after " + bench.warmupRounds
                        + " warm-up round(s)");
                if (only.contains("producer")) {
                    bench.producer(cluster);
                    bench.producerScale(cluster);
                }
                if (only.contains("consumer")) {
                    bench.consumer(cluster);
                }
                if (only.contains("requestreply")) {
                    bench.requestReply(cluster);
                }
                if (only.contains("requestreplyboth")) {
                    bench.requestReplyBothSides(cluster);
                }
                if (only.contains("routing")) {
                    bench.routing(cluster, registry);
                }
                if (only.contains("scaleout")) {
                    bench.scaleOut(cluster, registry);
                }
                if (only.contains("consumerfeatures")) {
                    bench.consumerFeatures(cluster);
                }
            }
        }
        if (only.contains("micro")) {
            bench.micro();
        }
        System.out.println();
        System.out.println(Report.table(bench.results));
        String setup = "Each line: median of the rounds, baseline and kafka-utility alternating on the same "
                + (embedded ? "in-JVM KRaft broker" : "broker") + " in one process, after " + bench.warmupRounds
                + " unmeasured warm-up round(s); a 'met' column only where the line has a target. "
                + "Producer: " + String.format("%,d", PRODUCER_MESSAGES) + " 1 KiB events per round at 1 and 6 "
                + "partitions, the five sides' order rotating from round to round (scale rows: 50,000, or 2,000 of "
                + "64 KiB), acks=all, idempotent. Raw sends one pre-serialized value, either with Kafka's client "
                + "defaults or with exactly the library's Kafka settings (batch.size 64 KiB, linger.ms 5 among them; "
                + "its ratio is the cost of the library's own work alone); the hand-written side has the library's "
                + "settings and does per event what a user without the library would (an envelope tree with a fresh "
                + "UUID and time, networknt validation of the data, Jackson, the id, type and content-type headers); "
                + "Spring's KafkaTemplate with its JsonSerializer gets the library's settings too and "
                + "serializes a hand-built envelope per send (fresh id and time, no validation); ours sends typed "
                + "data through envelope, id, validation, encoding, headers, breaker and metrics. "
                + "Consumer: 50,000 pre-filled 1 KiB events, a fresh group per round, every side with the library's "
                + "Kafka settings: raw reading bytes (commitAsync per poll); raw plus the decoding a user would "
                + "hand-write (Jackson readTree and networknt validation of the data on the poll thread, commitSync "
                + "per poll); Spring's listener container (what @KafkaListener runs) with its JsonDeserializer to a "
                + "JsonNode and its default batch acks (a commitSync after each poll's records); ours decodes, "
                + "validates, handles and commits. "
                + "Request-reply: one echo responder (raw kafka-clients, linger.ms=0) for all four "
                + "requesters, each round 2,000 sequential requests after 300 warm-up, then 20,000 with 64 in "
                + "flight and 20,000 with 512, the requesters' order rotating from round to round; Spring's "
                + "ReplyingKafkaTemplate tuned for replies (linger.ms=0, fetch.max.wait.ms=1, auto-commit instead of "
                + "a synchronous commit per poll; the target is against this one), the same template with Spring's "
                + "defaults and only linger.ms=0 (as in ../shared/ENVIRONMENT.md), ours with its defaults but the "
                + "same fetch.max.wait.ms=1 (its default is 10), and as a floor the least a raw kafka-clients "
                + "requester can do (producer with linger.ms=0, assigned reply consumer, a map of futures; no "
                + "timeouts). 'Between two services': each library on both sides, our requester and Responder "
                + "against the tuned template and a Spring listener container (batch acks, fetch.max.wait.ms=1) "
                + "replying through a KafkaTemplate (linger.ms=0) as @SendTo does; our Responder with its defaults "
                + "and fetch.max.wait.ms=1. CPU per request is the process's CPU time over the run (broker, "
                + "responder and requester), and the requester's own: its threads plus the calling thread. Heap per "
                + "pending request: 100,000 requests to a topic nobody answers, heap after full GCs before and after. "
                + "Routing: 1,000, 10,000 and 50,000 sessions, 2,000 replies/s for 5 s after 1 s of unmeasured "
                + "traffic, Avro in the Confluent wire format. Total time "
                + String.format("%.0f s", (System.nanoTime() - start) / 1e9) + ".";
        Path out = Path.of(only.containsAll(Set.of(ALL.split(","))) ? "RESULTS.md" : "target/RESULTS-partial.md");
        Report.write(out, Report.markdown(bench.results, setup, bench.notes));
        System.out.println("written " + out.toAbsolutePath());
        System.exit(0);
    }

    /** Events per producer round: long enough for the rate of a warm JVM, not the first half-second's. */
    private static final int PRODUCER_MESSAGES = Integer.getInteger("bench.producerMessages", 200_000);

    /**
     * 1. Producer throughput, 1 and 6 partitions. The sides run one after another, their order rotating from round to
     * round, so none always runs first (on a broker that has just taken the previous side's load) or last.
     */
    private void producer(KafkaCluster cluster) throws Exception {
        ProducerBench producer = new ProducerBench(cluster.bootstrapServers(), PRODUCER_MESSAGES);
        interface Side {
            double run(String topic) throws Exception;
        }
        record Named(String prefix, Side side) {
        }
        List<Named> sides = List.of(new Named("prod-raw", producer::raw), new Named("prod-ours", producer::ours),
                new Named("prod-raw-same", producer::rawWithLibrarySettings),
                new Named("prod-spring", producer::spring), new Named("prod-hand", producer::handWritten));
        for (int partitions : new int[] {1, 6}) {
            Map<String, List<Double>> rates = new java.util.HashMap<>();
            for (int r = 0; r < warmupRounds + rounds; r++) {
                for (int k = 0; k < sides.size(); k++) {
                    Named side = sides.get((k + r) % sides.size());
                    String topic = topic(cluster, side.prefix(), partitions);
                    double rate = side.side().run(topic);
                    cluster.admin().deleteTopics(List.of(topic)).all().get(); // 70 rounds of 250 MB each otherwise
                    if (r >= warmupRounds) {
                        rates.computeIfAbsent(side.prefix(), x -> new ArrayList<>()).add(rate);
                    }
                }
            }
            double ours = Stats.median(rates.get("prod-ours"));
            add(Result.ratioAtLeast("producer throughput, " + partitions + " partition(s)", "msg/s",
                    Stats.median(rates.get("prod-raw")), ours, 0.90));
            // the same library run against a raw producer given the library's Kafka settings: what is left is the
            // library's own work per event (envelope, validation, encoding, headers, breaker, metrics)
            add(Result.ratioAtLeast("producer throughput, " + partitions + " partition(s), raw with the library's "
                    + "Kafka settings", "msg/s", Stats.median(rates.get("prod-raw-same")), ours, 0.75));
            add(Result.info("producer throughput, " + partitions + " partition(s), raw with the library's settings "
                    + "plus hand-written envelope, networknt validation, Jackson and headers per event", "msg/s",
                    Stats.median(rates.get("prod-hand")), ours));
            // Spring validates nothing, the library validates every event: the target is to be faster all the same
            add(Result.ratioAtLeast("producer throughput, " + partitions + " partition(s), Spring KafkaTemplate + "
                    + "JsonSerializer with the library's Kafka settings", "msg/s",
                    Stats.median(rates.get("prod-spring")), ours, 1.10));
        }
    }

    /**
     * 1b. How the producer's cost grows: 24 partitions, and events of about 100 bytes and 64 KiB of data at 6
     * partitions, each against raw kafka-clients with the library's settings.
     */
    private void producerScale(KafkaCluster cluster) throws Exception {
        record Case(String label, int partitions, int messages, int dataBytes) {
        }
        for (Case c : List.of(new Case("24 partition(s), 1 KiB", 24, 50_000, 0),
                new Case("6 partition(s), 100 B of data", 6, 50_000, 100),
                new Case("6 partition(s), 64 KiB of data", 6, 2_000, 65_536))) {
            ProducerBench producer = c.dataBytes() == 0 ? new ProducerBench(cluster.bootstrapServers(), c.messages())
                    : new ProducerBench(cluster.bootstrapServers(), c.messages(), Payloads.dataOfSize(c.dataBytes()));
            List<Double> rawSame = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            for (int r = 0; r < warmupRounds + rounds; r++) {
                double oursRate = producer.ours(topic(cluster, "prod-scale-ours", c.partitions()));
                double rawRate = producer.rawWithLibrarySettings(topic(cluster, "prod-scale-raw", c.partitions()));
                if (r >= warmupRounds) {
                    ours.add(oursRate);
                    rawSame.add(rawRate);
                }
            }
            add(Result.info("producer throughput, " + c.label() + ", raw with the library's Kafka settings",
                    "msg/s", Stats.median(rawSame), Stats.median(ours)));
        }
    }

    /** 2. Consumer throughput over a pre-filled topic of 1 and 12 partitions, against three baselines. */
    private void consumer(KafkaCluster cluster) throws Exception {
        ConsumerBench consumer = new ConsumerBench(cluster.bootstrapServers(), 50_000);
        for (int partitions : new int[] {1, 12}) {
            String filled = topic(cluster, "cons", partitions);
            consumer.fill(filled);
            List<Double> raw = new ArrayList<>();
            List<Double> validating = new ArrayList<>();
            List<Double> spring = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            for (int r = 0; r < warmupRounds + rounds; r++) {
                double rawRate = consumer.raw(filled);
                double oursRate = consumer.ours(filled);
                double validatingRate = consumer.rawDecodeAndValidate(filled);
                double springRate = consumer.spring(filled);
                if (r >= warmupRounds) {
                    raw.add(rawRate);
                    ours.add(oursRate);
                    validating.add(validatingRate);
                    spring.add(springRate);
                }
            }
            String p = partitions + " partition(s)";
            add(Result.ratioAtLeast("consumer throughput, " + p + ", raw with the library's settings plus "
                    + "hand-written readTree and networknt validation, commitSync per poll", "msg/s",
                    Stats.median(validating), Stats.median(ours), 1.0));
            add(Result.ratioAtLeast("consumer throughput, " + p + ", Spring's listener container + JsonDeserializer, "
                    + "batch acks, the library's settings", "msg/s", Stats.median(spring), Stats.median(ours), 1.25));
            add(Result.ratioAtLeast("consumer throughput, " + p + ", raw with the library's settings, bytes only (no "
                    + "decoding)", "msg/s", Stats.median(raw), Stats.median(ours), 0.90));
        }
    }

    /**
     * 3. Request-reply against one echo responder: ours vs Spring's ReplyingKafkaTemplate, and the least a requester on
     * raw kafka-clients can do as a floor for both. Warm-up rounds are not measured (the broker's own JIT warms up over
     * the first rounds: throughput doubles); measured rounds rotate which requester goes first, so a drift over the
     * run favours none.
     */
    private void requestReply(KafkaCluster cluster) throws Exception {
        String servers = cluster.bootstrapServers();
        String requests = topic(cluster, "rr-requests", 1);
        String springReplies = topic(cluster, "rr-spring-replies", 1);
        String rawReplies = topic(cluster, "rr-raw-replies", 1);
        String springDefaultsReplies = topic(cluster, "rr-spring-defaults-replies", 1);
        RequestReplyBench rr = new RequestReplyBench(servers);
        byte[] payload = Payloads.bytes(io.kafkautility.message.EnvelopeCodec.create(), 7);
        String[] names = {"Spring", "ours", "raw kafka-clients", "Spring defaults"};
        Map<String, List<Double>> p50 = new HashMap<>();
        Map<String, List<Double>> p99 = new HashMap<>();
        Map<String, List<Double>> tput = new HashMap<>();
        Map<String, List<Double>> cpu = new HashMap<>();
        Map<String, List<Double>> ownCpu = new HashMap<>();
        Map<String, List<Double>> p99at64 = new HashMap<>();
        Map<String, List<Double>> tput512 = new HashMap<>();
        for (String n : names) {
            tput512.put(n, new ArrayList<>());
            p50.put(n, new ArrayList<>());
            p99.put(n, new ArrayList<>());
            tput.put(n, new ArrayList<>());
            cpu.put(n, new ArrayList<>());
            ownCpu.put(n, new ArrayList<>());
            p99at64.put(n, new ArrayList<>());
        }
        try (EchoResponder echo = new EchoResponder(servers, requests).start();
             RequestReplyBench.Requester spring = rr.spring(requests, springReplies, true);
             RequestReplyBench.Requester springDefaults = rr.spring(requests, springDefaultsReplies, false);
             RequestReplyBench.Requester ours = rr.ours(requests);
             RequestReplyBench.Requester raw = rr.raw(requests, rawReplies)) {
            echo.awaitAssigned(Duration.ofSeconds(30));
            Map<String, RequestReplyBench.Requester> requesters = Map.of(names[0], spring, names[1], ours, names[2], raw,
                    names[3], springDefaults);
            Map<String, java.util.function.Predicate<String>> threads = Map.of(names[0],
                    RequestReplyBench::springThread, names[1], RequestReplyBench::oursThread, names[2],
                    RequestReplyBench::rawThread, names[3], RequestReplyBench::springDefaultsThread);
            int measured = rounds + 2;
            for (int r = 0; r < warmupRounds + measured; r++) {
                boolean warmup = r < warmupRounds;
                StringBuilder line = new StringBuilder(String.format("request-reply %s %d:",
                        warmup ? "warm-up round" : "round", warmup ? r + 1 : r - warmupRounds + 1));
                for (int k = 0; k < names.length; k++) {
                    String n = names[(r + k) % names.length];
                    RequestReplyBench.Requester q = requesters.get(n);
                    List<Double> seq = Stats.nanosToMillis(RequestReplyBench.sequential(q, 300, 2000, payload));
                    RequestReplyBench.Throughput t = RequestReplyBench.throughput(q, threads.get(n), 64, 20_000,
                            payload);
                    // 512 in flight: not for Spring with its defaults (a commit per poll: it would take minutes)
                    double at512 = n.equals(names[3]) ? Double.NaN : RequestReplyBench.throughput(q, threads.get(n),
                            512, 20_000, payload).requestsPerSecond();
                    line.append(String.format(" %s p50 %.2f ms p99 %.2f ms, %.0f req/s (p99 %.2f ms; CPU per request: "
                                    + "%.0f us process, %.1f us requester), %.0f req/s at 512 in flight;", n,
                            Stats.percentile(seq, 50), Stats.percentile(seq, 99), t.requestsPerSecond(),
                            t.p99Millis(), t.processCpuMicros(), t.requesterCpuMicros(), at512));
                    if (!warmup) {
                        p50.get(n).add(Stats.percentile(seq, 50));
                        p99.get(n).add(Stats.percentile(seq, 99));
                        tput.get(n).add(t.requestsPerSecond());
                        cpu.get(n).add(t.processCpuMicros());
                        ownCpu.get(n).add(t.requesterCpuMicros());
                        p99at64.get(n).add(t.p99Millis());
                        tput512.get(n).add(at512);
                    }
                }
                log(line.toString());
            }
        }
        String s = names[0];
        String o = names[1];
        String w = names[2];
        add(Result.ratioAtLeast("request-reply throughput, 512 in flight (vs Spring)", "req/s",
                Stats.median(tput512.get(s)), Stats.median(tput512.get(o)), 1.0));
        add(Result.info("request-reply throughput, 512 in flight (vs raw kafka-clients requester)", "req/s",
                Stats.median(tput512.get(w)), Stats.median(tput512.get(o))));
        double perPending = RequestReplyBench.bytesPerPendingRequest(servers, topic(cluster, "rr-pending", 1),
                100_000);
        add(Result.absoluteAtMost("heap per pending request (100,000 pending, no responder)", "bytes", Double.NaN,
                perPending, 64.0 * 1024 * 1024 / 100_000));
        add(Result.ratioAtMost("request-reply sequential p50 (vs Spring)", "ms", Stats.median(p50.get(s)),
                Stats.median(p50.get(o)), 1.0));
        add(Result.ratioAtMost("request-reply sequential p99 (vs Spring)", "ms", Stats.median(p99.get(s)),
                Stats.median(p99.get(o)), 1.0));
        add(Result.ratioAtLeast("request-reply throughput, 64 in flight (vs Spring)", "req/s",
                Stats.median(tput.get(s)), Stats.median(tput.get(o)), 1.25));
        add(Result.ratioAtMost("request-reply p99, 64 in flight (vs Spring)", "ms", Stats.median(p99at64.get(s)),
                Stats.median(p99at64.get(o)), 1.0));
        add(Result.info("request-reply p99, 64 in flight (vs raw kafka-clients requester)", "ms",
                Stats.median(p99at64.get(w)), Stats.median(p99at64.get(o))));
        add(Result.info("request-reply sequential p99 (vs Spring with its defaults and linger.ms=0)", "ms",
                Stats.median(p99.get(names[3])), Stats.median(p99.get(o))));
        add(Result.info("request-reply throughput, 64 in flight (vs Spring with its defaults and linger.ms=0)",
                "req/s", Stats.median(tput.get(names[3])), Stats.median(tput.get(o))));
        add(Result.info("request-reply throughput, 64 in flight (vs raw kafka-clients requester)", "req/s",
                Stats.median(tput.get(w)), Stats.median(tput.get(o))));
        add(Result.info("request-reply sequential p99 (vs raw kafka-clients requester)", "ms",
                Stats.median(p99.get(w)), Stats.median(p99.get(o))));
        add(Result.ratioAtMost("request-reply CPU per request, 64 in flight: whole process (vs Spring)", "us",
                Stats.median(cpu.get(s)), Stats.median(cpu.get(o)), 0.8));
        add(Result.info("request-reply CPU per request, 64 in flight: whole process (vs raw kafka-clients)", "us",
                Stats.median(cpu.get(w)), Stats.median(cpu.get(o))));
        add(Result.info("request-reply CPU per request, 64 in flight: requester's own threads (vs Spring)", "us",
                Stats.median(ownCpu.get(s)), Stats.median(ownCpu.get(o))));
        add(Result.info("request-reply CPU per request, 64 in flight: requester's own threads (vs raw)", "us",
                Stats.median(ownCpu.get(w)), Stats.median(ownCpu.get(o))));
    }

    /**
     * 3b. Request-reply between two services, each side its library's: our requester and {@code Responder} against
     * Spring's ReplyingKafkaTemplate (tuned as above) and a listener container answering through a KafkaTemplate; 64
     * in flight, rounds alternating.
     */
    private void requestReplyBothSides(KafkaCluster cluster) throws Exception {
        String servers = cluster.bootstrapServers();
        RequestReplyBench rr = new RequestReplyBench(servers);
        String oursRequests = topic(cluster, "rr2-ours-requests", 1);
        String springRequests = topic(cluster, "rr2-spring-requests", 1);
        byte[] payload = Payloads.bytes(io.kafkautility.message.EnvelopeCodec.create(), 7);
        List<Double> ours = new ArrayList<>();
        List<Double> spring = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> springCpu = new ArrayList<>();
        try (AutoCloseable oursResponder = rr.oursResponder(oursRequests);
             AutoCloseable springResponder = rr.springResponder(springRequests);
             RequestReplyBench.Requester oursClient = rr.ours(oursRequests);
             RequestReplyBench.Requester springClient = rr.spring(springRequests,
                     topic(cluster, "rr2-spring-replies", 1), true)) {
            for (int r = 0; r < warmupRounds + rounds; r++) {
                RequestReplyBench.Throughput o = RequestReplyBench.throughput(oursClient,
                        RequestReplyBench::oursThread, 64, 20_000, payload);
                RequestReplyBench.Throughput sp = RequestReplyBench.throughput(springClient,
                        RequestReplyBench::springThread, 64, 20_000, payload);
                log(String.format("request-reply, both sides: round %d: ours %.0f req/s (%.0f us CPU per request), "
                        + "Spring %.0f req/s (%.0f us)", r + 1, o.requestsPerSecond(), o.processCpuMicros(),
                        sp.requestsPerSecond(), sp.processCpuMicros()));
                if (r >= warmupRounds) {
                    ours.add(o.requestsPerSecond());
                    spring.add(sp.requestsPerSecond());
                    oursCpu.add(o.processCpuMicros());
                    springCpu.add(sp.processCpuMicros());
                }
            }
        }
        add(Result.ratioAtLeast("request-reply between two services, 64 in flight: our requester and Responder (vs "
                + "Spring's ReplyingKafkaTemplate and a listener container replying via KafkaTemplate)", "req/s",
                Stats.median(spring), Stats.median(ours), 1.25));
        add(Result.ratioAtMost("request-reply between two services, 64 in flight: CPU per request, whole process (vs "
                + "Spring on both sides)", "us", Stats.median(springCpu), Stats.median(oursCpu), 0.8));
    }

    /** 4. Response routing: 10,000 sessions, 2,000 replies/s; and heap per idle session. */
    private void routing(KafkaCluster cluster, SchemaRegistryServer registry) throws Exception {
        RoutingBench routing = new RoutingBench(cluster.bootstrapServers(), registry.url());
        RoutingBench.Outcome outcome = routing.run(topic(cluster, "respostas", 3), 10_000, 2_000,
                Duration.ofSeconds(5));
        double rawP99 = Stats.percentile(outcome.rawMillis(), 99);
        double routedP99 = Stats.percentile(outcome.oursMillis(), 99);
        add(Result.info("response routing p50, append to frame (vs raw poll)", "ms",
                Stats.median(outcome.rawMillis()), Stats.median(outcome.oursMillis())));
        add(new Result("response routing p99, append to frame (vs raw poll)", "ms", rawP99, routedP99, false,
                "added <= 5 ms", routedP99 - rawP99 <= 5.0));
        // the same with the replies a Flink SQL job writes (its derived writer schema, decoded by field)
        RoutingBench.Outcome flink = routing.run(topic(cluster, "respostas-flink", 3), 10_000, 2_000,
                Duration.ofSeconds(5), true);
        double flinkRawP99 = Stats.percentile(flink.rawMillis(), 99);
        double flinkP99 = Stats.percentile(flink.oursMillis(), 99);
        add(new Result("response routing p99, Flink's derived writer schema (vs raw poll)", "ms", flinkRawP99,
                flinkP99, false, "added <= 5 ms", flinkP99 - flinkRawP99 <= 5.0));
        for (int sessions : new int[] {1_000, 50_000}) {
            RoutingBench.Outcome scaled = routing.run(topic(cluster, "respostas-" + sessions, 3), sessions, 2_000,
                    Duration.ofSeconds(5));
            double scaledRaw = Stats.percentile(scaled.rawMillis(), 99);
            double scaledOurs = Stats.percentile(scaled.oursMillis(), 99);
            add(new Result("response routing p99, " + String.format("%,d", sessions) + " sessions (vs raw poll)",
                    "ms", scaledRaw, scaledOurs, false, "added <= 5 ms", scaledOurs - scaledRaw <= 5.0));
        }
        add(Result.absoluteAtMost("heap per idle session", "bytes", Double.NaN,
                RoutingBench.bytesPerIdleSession(10_000), 2048));
        notes.add("response routing measured " + outcome.oursMillis().size() + " frames; the raw baseline "
                + outcome.rawMillis().size() + " records");
    }

    /**
     * 4b. The chat backend scaled out: 4 instances x 2,500 sessions, streamed answers (20 deltas and the final reply)
     * at 2,000 records/s; p99 added by routing against a raw poll, frames lost, and what one more instance holding no
     * session spends reading the others' replies.
     */
    private void scaleOut(KafkaCluster cluster, SchemaRegistryServer registry) throws Exception {
        ScaleOutBench bench = new ScaleOutBench(cluster.bootstrapServers(), registry.url());
        ScaleOutBench.Outcome o = bench.run(topic(cluster, "respostas-scale-out", 6), 4, 2_500, 2_000, 20,
                Duration.ofSeconds(10));
        double rawP99 = Stats.percentile(o.rawMillis(), 99);
        double oursP99 = Stats.percentile(o.oursMillis(), 99);
        add(new Result("chat on 4 instances x 2,500 sessions, 2,000 streamed records/s: p99 record to frame "
                + "(vs raw poll)", "ms", rawP99, oursP99, false, "added <= 5 ms", oursP99 - rawP99 <= 5.0));
        long lost = o.produced() - o.delivered();
        add(Result.absoluteAtMost("chat on 4 instances: frames lost (produced for waiting sessions, not handed over)",
                "frames", Double.NaN, lost, 0));
        double cpuShare = o.observerCpuMillis() / (o.seconds() * 1000) * 100;
        double rawShare = o.rawCpuMillis() / (o.seconds() * 1000) * 100;
        add(Result.info("chat on 4 instances: CPU an instance spends on other instances' replies "
                + "(one holding no session; vs a raw consumer polling the same records)", "% of a core", rawShare,
                cpuShare));
        notes.add(String.format("scale-out: %d records produced and %d frames handed over in %.1f s; the observer "
                        + "instance spent %.0f ms of CPU (%.1f us per record read for others), the raw poll %.0f ms "
                        + "(%.1f us per record)", o.produced(), o.delivered(), o.seconds(), o.observerCpuMillis(),
                o.observerCpuMillis() * 1000 / o.recordsRead(), o.rawCpuMillis(),
                o.rawCpuMillis() * 1000 / o.recordsRead()));
    }

    /** 6. Retry topics vs in-place retries (healthy-record latency) and key-ordered concurrency (throughput). */
    private void consumerFeatures(KafkaCluster cluster) throws Exception {
        ConsumerFeaturesBench bench = new ConsumerFeaturesBench(cluster.bootstrapServers());
        String viaTopics = topic(cluster, "bench-retry-topics", 3);
        cluster.createTopics(new NewTopic(viaTopics + ".DLT", 1, (short) 1));
        ConsumerFeaturesBench.Latencies topics = bench.healthyLatency(viaTopics, 1_000, 10,
                b -> b.retryTopics(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        String inPlace = topic(cluster, "bench-retry-in-place", 3);
        ConsumerFeaturesBench.Latencies blocking = bench.healthyLatency(inPlace, 1_000, 10,
                b -> b.maxAttempts(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        double rawP99 = Stats.percentile(topics.rawMillis(), 99);
        double topicsP99 = Stats.percentile(topics.oursMillis(), 99);
        add(new Result("healthy records while 1 % fail once, retry topics (1 s, 10 s): p99 record to handler (vs "
                + "raw poll of the same records)", "ms", rawP99, topicsP99, false, "added <= 20 ms",
                topicsP99 - rawP99 <= 20.0));
        add(Result.info("healthy records while 1 % fail once, in-place retries (1 s backoff): p99 record to "
                + "handler (vs raw poll)", "ms", Stats.percentile(blocking.rawMillis(), 99),
                Stats.percentile(blocking.oursMillis(), 99)));
        notes.add(String.format("retry topics: %d first attempts failed of 11,000 records at 1,000/s; healthy p50 "
                        + "%.0f ms with retry topics, %.0f ms with in-place retries, %.0f ms raw", topics.retried(),
                Stats.percentile(topics.oursMillis(), 50), Stats.percentile(blocking.oursMillis(), 50),
                Stats.percentile(topics.rawMillis(), 50)));
        double one = bench.keyOrderedThroughput(topic(cluster, "bench-keyed-1", 1), 1_000, 1, 5);
        double eight = bench.keyOrderedThroughput(topic(cluster, "bench-keyed-8", 1), 8_000, 8, 5);
        double sixtyFour = bench.keyOrderedThroughput(topic(cluster, "bench-keyed-64", 1), 40_000, 64, 5);
        add(Result.ratioAtLeast("key-ordered concurrency, 5 ms handler, 1 partition, 1,000 keys: 8 workers (vs 1)",
                "msg/s", one, eight, 6.0));
        add(Result.ratioAtLeast("key-ordered concurrency, 5 ms handler, 1 partition, 1,000 keys: 64 workers (vs 1)",
                "msg/s", one, sixtyFour, 40.0));
    }

    /**
     * 5. JMH micro-benchmarks: two forked JVMs each (a JIT decision differs from one JVM to the next), 3 warm-up and 5
     * measured iterations of 1 s; with one fork and 3 iterations the 99.9 % error of a row was larger than its score.
     */
    private void micro() throws Exception {
        ChainedOptionsBuilder jmh = new OptionsBuilder()
                .include(MicroBenchmarks.class.getName() + "." + System.getProperty("bench.micro", ".*"))
                .forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xmx512m");
        String profiler = System.getProperty("bench.jmhProfiler", "");
        if (!profiler.isBlank()) { // e.g. -Dbench.jmhProfiler=stack, to see where a micro-benchmark spends its time
            int colon = profiler.indexOf(':');
            if (colon < 0) {
                jmh.addProfiler(profiler);
            } else {
                jmh.addProfiler(profiler.substring(0, colon), profiler.substring(colon + 1));
            }
        }
        Collection<RunResult> micro = new Runner(jmh.build()).run();
        Map<String, Double> us = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (RunResult r : micro) {
            String name = r.getParams().getBenchmark();
            us.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
            errors.add(String.format("%s %.3f ± %.3f", name.substring(name.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        java.util.Collections.sort(errors);
        notes.add("JMH scores with their 99.9 % error (us per operation): " + String.join("; ", errors));
        add(Result.absoluteAtMost("validation of a 1 KiB event (JMH; baseline: networknt alone, the floor)", "us",
                us.getOrDefault("networkntValidateBaseline", Double.NaN), us.getOrDefault("validate", Double.NaN), 5.0));
        add(Result.info("envelope serialize (JMH; baseline: Jackson writes the data only)", "us",
                us.getOrDefault("jacksonSerializeBaseline", Double.NaN), us.getOrDefault("envelopeSerialize",
                        Double.NaN)));
        add(Result.info("envelope parse (JMH; baseline: Jackson readTree of the same bytes)", "us",
                us.getOrDefault("jacksonParseBaseline", Double.NaN), us.getOrDefault("envelopeParse", Double.NaN)));
        add(Result.absoluteAtMost("producer path per send: envelope, validation, headers, encoding (JMH; baseline: "
                + "the same by hand, networknt and Jackson)", "us", us.getOrDefault("handWrittenProducerPath",
                Double.NaN), us.getOrDefault("producerPath", Double.NaN), 1.0));
        add(Result.info("whole send() to an immediately acking MockProducer (JMH)", "us", Double.NaN,
                us.getOrDefault("sendToMockProducer", Double.NaN)));
        add(Result.info("whole send() with tracing on: OpenTelemetry SDK, a span per send (JMH; baseline: tracing "
                + "off, the default)", "us", us.getOrDefault("sendToMockProducer", Double.NaN),
                us.getOrDefault("sendToMockProducerTraced", Double.NaN)));
        add(Result.absoluteAtMost("tracing off: the no-op span per record (JMH)", "us", Double.NaN,
                us.getOrDefault("tracingOffPerRecord", Double.NaN), 0.05));
        add(Result.absoluteAtMost("consumer path per record: parse, envelope, validation (JMH; baseline: by hand, "
                + "Jackson readTree and networknt)", "us", us.getOrDefault("handWrittenConsumerPath", Double.NaN),
                us.getOrDefault("consumerPath", Double.NaN), 1.5));
        add(Result.info("reply decode by field, library schema (JMH; baseline: the strict resolving reader, fields by "
                + "name, as before)", "us", us.getOrDefault("replyDecodeStrictAndByName", Double.NaN),
                us.getOrDefault("replyDecodeOwnSchema", Double.NaN)));
        add(Result.info("reply decode: Avro's resolving reader alone, to a GenericRecord (JMH; the floor)", "us",
                Double.NaN, us.getOrDefault("replyDecodeStrictBaseline", Double.NaN)));
        add(Result.info("reply decode by field, Flink's derived schema (JMH; baseline: the same, library schema)",
                "us", us.getOrDefault("replyDecodeOwnSchema", Double.NaN),
                us.getOrDefault("replyDecodeFlinkSchema", Double.NaN)));
    }

    private void add(Result result) {
        results.add(result);
        log(result.toString());
    }

    private static String topic(KafkaCluster cluster, String prefix, int partitions) {
        String name = TopicNames.unique(prefix);
        cluster.createTopics(new NewTopic(name, partitions, (short) 1));
        return name;
    }

    private static void log(String line) {
        System.out.println("[bench] " + line);
    }
}
