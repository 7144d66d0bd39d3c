package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard ({@code ops/grafana/dashboards/kafka-utility.json}) against a real Prometheus (Debian's
 * package, installed by {@code .ci/run}) scraping the real {@code /metrics} of the chat backend while the demo flow
 * runs (questions streamed and stopped, a bad frame, a refused origin, a consumer that retries through a retry topic
 * and dead-letters a bad record): every panel's query, evaluated through Prometheus' HTTP API, returns at least one
 * series; every metric a panel names exists; and every meter of {@link MetricNames} is in some panel or listed below as
 * deliberately left out.
 */
@KafkaTest
@org.junit.jupiter.api.extension.ExtendWith(NoSecretsInLogs.class)
class DashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Meters of the library that no panel shows, and why. */
    private static final Map<String, String> LEFT_OUT = Map.of();

    @Test
    void everyPanelsQueryReturnsDataOnARealPrometheusAndEveryMeterIsOnThePanels(KafkaCluster cluster)
            throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        assertThat(Files.isExecutable(prometheusBinary)).as("Debian's prometheus (apt-get install prometheus; "
                + ".ci/run installs it)").isTrue();
        JsonNode dashboard = JSON.readTree(Path.of("..", "ops", "grafana", "dashboards", "kafka-utility.json")
                .toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText(), target.path("expr").asText());
            }
        }
        assertThat(queries).hasSizeGreaterThan(30);

        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(5))) {
            try (Admin admin = cluster.admin()) {
                Set<String> existing = admin.listTopics().names().get();
                for (String t : List.of("rag.queries.retry.1", "rag.queries.DLT")) {
                    if (!existing.contains(t)) {
                        cluster.createTopics(new NewTopic(t, 1, (short) 1));
                    }
                }
            }
            KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                    .bootstrapServers(cluster.bootstrapServers()).build();
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            try (MessageConsumer indexer = MessageConsumer.create(ConsumerOptions.builder(connection,
                    "dashboard-indexer", "rag.queries").pool(ui.stack.pool())
                    .handler("rag.query.submitted", (m, c) -> {
                        if (failedOnce.add(m.id())) {
                            throw new IllegalStateException("first attempt fails: retried through the retry topic");
                        }
                    }).retryTopics(Duration.ofMillis(300)).build());
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                         cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer());
                 Prometheus prometheus = Prometheus.start(prometheusBinary, ui.port())) {
                indexer.start().ready().get(60, TimeUnit.SECONDS);
                raw.send(new ProducerRecord<>("rag.queries", "not json".getBytes(StandardCharsets.UTF_8))).get();
                // the demo flow: questions answered and stopped, a bad frame, a page of another origin
                try (ChatClient page = ChatClient.open(ui.port())) {
                    page.hello(null);
                    for (int i = 0; i < 3; i++) {
                        String q = "q-dash-" + i;
                        page.ask(q, "How does Kafka avoid losing messages?");
                        await().atMost(Duration.ofSeconds(30)).until(() -> !page.of("answer", q).isEmpty());
                        await().atMost(Duration.ofSeconds(10))
                                .until(() -> ui.stack.backend().sessions().waitingCount() == 0);
                    }
                    page.send("{\"type\":\"nonsense\"}");
                    try {
                        ChatClient.open(ui.port(), Map.of("Origin", "https://evil.example")).close();
                    } catch (java.util.concurrent.ExecutionException refused) {
                        // 403: counted
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> failedOnce.size() >= 3);
                    Map<String, String> empty = new LinkedHashMap<>();
                    try {
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                        empty.clear();
                        for (Map.Entry<String, String> q : queries.entrySet()) {
                            if (prometheus.series(q.getValue()) == 0) {
                                empty.put(q.getKey(), q.getValue());
                            }
                        }
                        return empty.isEmpty();
                        });
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        // the assertion names them
                    }
                    assertThat(empty).as("panels whose query returned no series").isEmpty();
                }
                // every metric a panel names exists (a misspelt one would only show "no data")
                Set<String> existing = prometheus.metricNames();
                Set<String> knownMeters = meterNames();
                List<String> unknown = new ArrayList<>();
                Matcher m = Pattern.compile("\\b((?:kafka_utility|jvm|process|kafka_consumer)_[a-z_]+)")
                        .matcher(String.join(" ", queries.values()));
                while (m.find()) {
                    String name = m.group(1);
                    String base = name.replaceAll("_(total|seconds_bucket|seconds_sum|seconds_count|seconds_max|bucket"
                            + "|sum|count|max)$", "");
                    if (!existing.contains(name) && knownMeters.stream().noneMatch(k -> k.equals(base))) {
                        unknown.add(name);
                    }
                }
                assertThat(unknown).as("metrics the panels name that neither Prometheus has nor the library "
                        + "defines").isEmpty();
                // every meter of the library is on some panel, or deliberately left out
                List<String> missing = new ArrayList<>();
                for (String meter : knownMeters) {
                    if (queries.values().stream().noneMatch(q -> q.contains(meter)) && !LEFT_OUT.containsKey(meter)) {
                        missing.add(meter);
                    }
                }
                assertThat(missing).as("library meters on no panel").isEmpty();
                System.out.printf("DASHBOARD: %d panel queries returned data on Prometheus %s; all %d library "
                        + "meters on the panels (%d left out)%n", queries.size(), prometheus.version(),
                        knownMeters.size(), LEFT_OUT.size());
            }
        }
    }

    /** Every meter name of {@link MetricNames}, in Prometheus' form (dots as underscores). */
    private static Set<String> meterNames() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String v = (String) f.get(null);
                if (v.startsWith(MetricNames.PREFIX) && !v.equals(MetricNames.PREFIX)) {
                    names.add(v.replace('.', '_'));
                }
            }
        }
        return names;
    }

    /** Debian's Prometheus, scraping the backend every second, on free loopback ports. */
    private static final class Prometheus implements AutoCloseable {
        private final Process process;
        private final int port;

        private Prometheus(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Prometheus start(Path binary, int targetPort) throws Exception {
            Path dir = Files.createDirectories(Path.of("target", "prometheus"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: kafka-utility\n"
                    + "    metrics_path: /metrics\n    static_configs:\n      - targets: [\"127.0.0.1:" + targetPort
                    + "\"]\n");
            Path data = Files.createTempDirectory(dir, "tsdb");
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            Prometheus prometheus = new Prometheus(p, port);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> prometheus.series("up == 1") == 1);
            return prometheus;
        }

        int series(String query) throws Exception {
            JsonNode r = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            assertThat(r.path("status").asText()).as(query + ": " + r).isEqualTo("success");
            return r.path("data").path("result").size();
        }

        Set<String> metricNames() throws Exception {
            Set<String> names = new TreeSet<>();
            get("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
            return names;
        }

        String version() throws Exception {
            return get("/api/v1/status/buildinfo").path("data").path("version").asText();
        }

        private JsonNode get(String path) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
