package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real browser (headless Chromium), served by two backend instances behind one origin (a TCP proxy,
 * as a load balancer): a question typed into the page goes over the WebSocket, through Kafka to the LLM service, and
 * its answer comes back through {@code respostas} word by word: the text grows as it is generated; "Stop" stops it; a
 * reload in the middle of an answer, sent by the proxy to the other instance, resumes it there: the page sent its
 * token in its hello frame, never in a URL, and the other instance verified it. Saves a screenshot to
 * {@code examples/target/chat-page.png}.
 */
@KafkaTest
@org.junit.jupiter.api.extension.ExtendWith(NoSecretsInLogs.class)
class ChatPageBrowserIT {

    private static final String ANSWER_LINE = "document.querySelector('#log p.a, #log p.err')";

    @Test
    void theChatPageStreamsStopsAndResumesAnAnswerInHeadlessChromium(KafkaCluster cluster) throws Exception {
        io.kafkautility.response.SessionKeys keys = io.kafkautility.response.SessionKeys.of(
                ScaleOutIT.Chat.randomKey());
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(120), b -> b.sessionKeys(keys));
             io.kafkautility.producer.KafkaClientPool pool = io.kafkautility.producer.KafkaClientPool.builder()
                     .name("second-instance").build();
             UiBackend second = new UiBackend(io.kafkautility.config.KafkaConnectionOptions.builder()
                     .bootstrapServers(cluster.bootstrapServers()).build(), pool, ui.registry.url(), 0,
                     "rag-ui-second", keys, q -> java.util.List.of(new io.kafkautility.rag.ContextChunk("doc-kafka#0",
                     "doc-kafka", UiStack.DOCUMENT, 1.0)));
             io.kafkautility.testkit.fault.TcpFaultProxy origin = io.kafkautility.testkit.fault.TcpFaultProxy.start(
                     new java.net.InetSocketAddress("127.0.0.1", ui.port()));
             WebDriver browser = new WebDriver()) {
            second.ready().get(60, java.util.concurrent.TimeUnit.SECONDS);
            String url = "http://127.0.0.1:" + origin.port() + "/";
            browser.open(url);
            awaitConnected(browser);
            String tag = browser.script("return document.body.dataset.session;").asText();
            assertThat(tag).as("the DOM shows a log tag, not the token").matches("[0-9a-f]{8}");
            String token = browser.script("return sessionStorage.getItem('token');").asText();
            NoSecretsInLogs.secret(token);
            assertThat(token).startsWith("v1.");
            assertThat(browser.script("return performance.getEntriesByType('resource').map(e => e.name).join(' ')"
                    + " + ' ' + location.href;").asText()).as("no URL the page used carries the token")
                    .doesNotContain(token).doesNotContain(token.split("\\.")[1]);
            assertThat(ui.stack.backend().sessions().sessionCount()).isEqualTo(1);

            // 1. the answer grows token by token, then is complete
            ask(browser, "How does Kafka avoid losing messages?");
            List<Integer> lengths = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> {
                        lengths.add(browser.script("return " + ANSWER_LINE + ".textContent.length;").asInt());
                        return status(browser).equals("answered");
                    });
            String answer = browser.script("return " + ANSWER_LINE + ".textContent;").asText();
            assertThat(answer).contains("How does Kafka avoid losing messages?", "replicated log");
            assertThat(lengths.stream().filter(n -> n > 0 && n < answer.length()).distinct().count())
                    .as("partial answers seen while it was generated: %s", lengths).isGreaterThanOrEqualTo(3);
            assertThat(browser.script("return Number(" + ANSWER_LINE + ".dataset.frames);").asInt())
                    .as("delta frames").isGreaterThan(10);

            // 2. "Stop" stops it: the text stops growing, the next question is answered
            clearLog(browser);
            ask(browser, "Stop this one");
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    browser.script("return " + ANSWER_LINE + ".textContent.length;").asInt() > 10);
            browser.click(browser.find("#stop"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> status(browser).equals("stopped"));
            int stoppedAt = browser.script("return " + ANSWER_LINE + ".textContent.length;").asInt();
            Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).ignoreExceptions()
                    .until(() -> browser.script("return " + ANSWER_LINE + ".textContent.length;").asInt()
                            == stoppedAt);
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> ui.stack.llmHandler().stopped() == 1);

            // 3. a reload in the middle of an answer resumes it where the page was
            clearLog(browser);
            ask(browser, "Reload during this one");
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    browser.script("return " + ANSWER_LINE + ".textContent.length;").asInt() > 10);
            origin.target(new java.net.InetSocketAddress("127.0.0.1", second.port())); // new connections: instance 2
            browser.open(url); // reload
            awaitConnected(browser);
            assertThat(browser.script("return document.body.dataset.resumed;").asText())
                    .as("the other instance verified the token and gave the page its session back").isEqualTo("true");
            assertThat(browser.script("return document.body.dataset.session;").asText()).isEqualTo(tag);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> second.sessions().sessionCount() == 1);
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> status(browser).equals("answered"));
            String resumed = browser.script("return " + ANSWER_LINE + ".textContent;").asText();
            assertThat(resumed).startsWith("About \"Reload during this one\"").contains("replicated log")
                    .doesNotContain("About \"Reload during this one\": About");

            Path shot = Path.of("target", "chat-page.png");
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(1000);
        }
    }

    private static void awaitConnected(WebDriver browser) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.script("return document.body.dataset.connected === 'true';").asBoolean());
    }

    private static void ask(WebDriver browser, String question) throws Exception {
        browser.type(browser.find("#question"), question);
        browser.click(browser.find("#send"));
    }

    private static String status(WebDriver browser) throws Exception {
        return browser.script("return document.getElementById('status').textContent;").asText();
    }

    private static void clearLog(WebDriver browser) throws Exception {
        browser.script("document.getElementById('log').innerHTML = ''; return 0;");
    }
}
