package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The chat page answers a question in a real browser (headless Chromium): typed into the page, sent over the
 * WebSocket, through Kafka to the LLM service and back through {@code respostas}. Saves a screenshot to
 * {@code examples/target/chat-page.png}.
 */
@KafkaTest
class ChatPageBrowserIT {

    @Test
    void theChatPageAnswersAQuestionInHeadlessChromium(KafkaCluster cluster) throws Exception {
        try (UiStackFixture ui = new UiStackFixture(cluster); WebDriver browser = new WebDriver()) {
            browser.open("http://127.0.0.1:" + ui.port() + "/");
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> browser.script("return document.body.dataset.connected === 'true';").asBoolean());
            browser.type(browser.find("#question"), "How does Kafka avoid losing messages?");
            browser.click(browser.find("#send"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    browser.script("return document.querySelectorAll('#log p.a').length;").asInt() == 1);
            String answer = browser.script("return document.querySelector('#log p.a').textContent;").asText();
            assertThat(answer).contains("How does Kafka avoid losing messages?", "replicated log");
            assertThat(browser.script("return document.getElementById('status').textContent;").asText())
                    .isEqualTo("answered");
            Path shot = Path.of("target", "chat-page.png");
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(1000);
        }
    }
}
