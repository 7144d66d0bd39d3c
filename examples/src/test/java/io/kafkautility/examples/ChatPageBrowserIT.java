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
 * The chat page in a real browser (headless Chromium): a question typed into the page goes over the WebSocket, through
 * Kafka to the LLM service, and its answer comes back through {@code respostas} word by word: the text grows as it is
 * generated; "Stop" stops it; a reload in the middle of an answer resumes it. Saves a screenshot to
 * {@code examples/target/chat-page.png}.
 */
@KafkaTest
class ChatPageBrowserIT {

    private static final String ANSWER_LINE = "document.querySelector('#log p.a, #log p.err')";

    @Test
    void theChatPageStreamsStopsAndResumesAnAnswerInHeadlessChromium(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster, Duration.ofMillis(120));
             WebDriver browser = new WebDriver()) {
            String url = "http://127.0.0.1:" + ui.port() + "/";
            browser.open(url);
            awaitConnected(browser);

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
            browser.open(url); // reload
            awaitConnected(browser);
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
