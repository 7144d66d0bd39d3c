package io.kafkautility.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentStatus;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.junit.BrokerProcessExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A service that only sends (a typed client, no consumer, no producer bean of its own) shows its broker in Actuator's
 * health: DOWN when the broker stops, UP when it returns, with the pool's shared producers and the broker probe as
 * parts. On a broker process the test stops and starts.
 */
class SendOnlyHealthIT {

    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaUtilityAutoConfiguration.class));

    @Test
    void aServiceThatOnlySendsGoesDownWhenItsBrokerStopsAndUpWhenItReturns() throws Exception {
        String bootstrap = BROKER.process().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(java.util.List.of(new NewTopic("rag.documents", 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
        runner.withPropertyValues("kafka-utility.bootstrap-servers=" + bootstrap).run(context -> {
            KafkaUtilityHealthIndicator health = context.getBean(KafkaUtilityHealthIndicator.class);
            context.getBean(DocumentServiceKafkaClient.class)
                    .sendDocumentProcessedEvent("doc-1", DocumentStatus.SUCCESS, Map.of("chunkCount", 1))
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
            @SuppressWarnings("unchecked")
            Map<String, Object> components = (Map<String, Object>) health.health().getDetails().get("components");
            assertThat(components).containsKeys("brokers", "pool spring", "query-client", "llm-client");

            long stopped = System.nanoTime();
            BROKER.process().stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> health.health().getStatus().equals(Status.DOWN));
            long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            assertThat(health.health().getDetails().toString()).contains("brokers");

            long started = System.nanoTime();
            BROKER.process().start();
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long back = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> health.health().getStatus().equals(Status.UP));
            long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
            System.out.printf("SEND-ONLY HEALTH: DOWN %d ms after the broker stopped; the broker took %d ms to start, "
                    + "UP %d ms after it was back%n", downMs, startMs, upMs);
        });
    }
}
