package io.kafkautility.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A minimal W3C WebDriver client for Debian's {@code chromedriver} + headless {@code chromium}, over
 * {@code java.net.http} (no Selenium dependency tree). Starts and stops its own chromedriver process.
 */
final class WebDriver implements AutoCloseable {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process driver;
    private final String base;
    private final String session;

    WebDriver() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMEDRIVER)) || !Files.isExecutable(Path.of(CHROMIUM))) {
            throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver; .ci/run installs them)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER, "--port=" + port).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "chromedriver.log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> get("/status").path("value").path("ready").asBoolean());
        ObjectNode caps = json.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode chrome = always.putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM);
        var args = chrome.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1000,700",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"))) {
            args.add(a);
        }
        session = post("/session", caps).path("value").path("sessionId").asText();
        if (session.isEmpty()) {
            throw new IllegalStateException("chromedriver did not create a session");
        }
    }

    void open(String url) throws Exception {
        post(s("/url"), json.createObjectNode().put("url", url));
    }

    String find(String css) throws Exception {
        ObjectNode by = json.createObjectNode().put("using", "css selector").put("value", css);
        return post(s("/element"), by).path("value").path(ELEMENT).asText();
    }

    void type(String element, String text) throws Exception {
        post(s("/element/" + element + "/value"), json.createObjectNode().put("text", text));
    }

    void click(String element) throws Exception {
        post(s("/element/" + element + "/click"), json.createObjectNode());
    }

    JsonNode script(String script) throws Exception {
        ObjectNode body = json.createObjectNode().put("script", script);
        body.putArray("args");
        return post(s("/execute/sync"), body).path("value");
    }

    void screenshot(Path file) throws Exception {
        String png = get(s("/screenshot")).path("value").asText();
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode node = json.readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException("WebDriver error " + response.statusCode() + ": "
                    + node.path("value").path("message").asText(response.body()));
        }
        return node;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                send(HttpRequest.newBuilder(URI.create(base + "/session/" + session)).DELETE());
            }
        } catch (Exception e) {
            // the driver process is killed below anyway
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
