package io.kafkautility.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.document.DocumentEventListener;
import io.kafkautility.client.document.DocumentProcessedEvent;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentStatus;
import io.kafkautility.client.document.DocumentSubscription;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter in a Spring Boot application context ({@link ApplicationContextRunner}) on a real broker: the
 * connection, pool and typed clients from {@code kafka-utility.*} properties, the application's meter registry
 * receiving the library's meters, a document event through the auto-configured client reaching a subscription, and
 * the Actuator health indicator following a consumer from not ready to UP to DOWN.
 */
@KafkaTest
class KafkaUtilityAutoConfigurationIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaUtilityAutoConfiguration.class));

    /** What an application adds: a meter registry, and a consumer of its own on the auto-configured pool. */
    @Configuration(proxyBeanMethods = false)
    static class Application {
        static final List<String> PROCESSED = new CopyOnWriteArrayList<>();

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean(destroyMethod = "close")
        MessageConsumer documentsConsumer(KafkaConnectionOptions connection, KafkaClientPool pool,
                                          org.springframework.core.env.Environment env) {
            return MessageConsumer.create(ConsumerOptions.builder(connection, TopicNames.unique("spring-indexer"),
                    env.getProperty("test.topic")).pool(pool)
                    .handler(MessageTypes.DOCUMENT_PROCESSED, (m, c) -> { }).build());
        }
    }

    @Test
    void clientsAreConfiguredFromPropertiesAndWorkAgainstTheBroker(KafkaCluster cluster) {
        String topic = TopicNames.unique("spring-documents");
        cluster.createTopic(topic, 1, (short) 1);
        runner.withUserConfiguration(Application.class)
                .withPropertyValues("kafka-utility.bootstrap-servers=" + cluster.bootstrapServers(),
                        "kafka-utility.client-id=spring-app", "kafka-utility.schema-registry-password=S3CRET-never-shown",
                        "kafka-utility.kafka.compression.type=zstd", "test.topic=" + topic)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KafkaClientPool.class)
                            .hasSingleBean(DocumentServiceKafkaClient.class)
                            .hasSingleBean(QueryServiceKafkaClient.class).hasSingleBean(LlmServiceKafkaClient.class);
                    KafkaConnectionOptions connection = context.getBean(KafkaConnectionOptions.class);
                    assertThat(connection.clientProperties()).containsEntry("bootstrap.servers",
                            cluster.bootstrapServers()).containsEntry("client.id", "spring-app")
                            .containsEntry("compression.type", "zstd");
                    assertThat(context.getBean(KafkaUtilityProperties.class).toString())
                            .doesNotContain("S3CRET").contains("[hidden]");

                    // the health indicator: DOWN while the consumer is not started, UP once it has its partitions
                    KafkaUtilityHealthIndicator indicator = context.getBean(KafkaUtilityHealthIndicator.class);
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
                    MessageConsumer consumer = context.getBean(MessageConsumer.class).start();
                    consumer.ready().get(60, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).until(() -> indicator.health().getStatus() == Status.UP);
                    Health up = indicator.health();
                    assertThat(up.getDetails()).containsKey("components");
                    assertThat(up.toString()).doesNotContain("S3CRET");

                    // a document event through the auto-configured client reaches a subscription
                    DocumentServiceKafkaClient documents = context.getBean(DocumentServiceKafkaClient.class);
                    List<String> seen = new CopyOnWriteArrayList<>();
                    try (DocumentServiceKafkaClient onTopic = DocumentServiceKafkaClient.builder()
                            .connection(connection).pool(context.getBean(KafkaClientPool.class)).topic(topic)
                            .build();
                         DocumentSubscription subscription = onTopic.subscribe(TopicNames.unique("spring-sub"),
                                 new DocumentEventListener() {
                                     @Override
                                     public void onProcessed(DocumentProcessedEvent event, Meta meta) {
                                         seen.add(event.documentId());
                                     }
                                 })) {
                        subscription.ready().get(60, TimeUnit.SECONDS);
                        onTopic.sendDocumentProcessedEvent("doc-spring", DocumentStatus.SUCCESS, Map.of()).get(30,
                                TimeUnit.SECONDS);
                        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("doc-spring"));
                    }
                    assertThat(documents.topic()).isEqualTo("rag.documents");

                    // the application's registry has the library's meters
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("kafka.utility.messages.sent").counters()).isNotEmpty();

                    consumer.close();
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
                });
    }

    @Test
    void settingsThatDoNotFitAreRefusedWithTheirNamesAndNoSecret() {
        runner.withPropertyValues("kafka-utility.bootstrap-servers=localhost:1",
                "kafka-utility.sasl-password=S3CRET-never-shown").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            while (failure.getCause() != null) {
                failure = failure.getCause();
            }
            assertThat(failure).isInstanceOf(io.kafkautility.config.ConfigurationException.class)
                    .hasMessageContaining("kafka-utility.sasl-password is set without kafka-utility.sasl-username");
            assertThat(failure.getMessage()).doesNotContain("S3CRET");
        });
    }

    @Test
    void beansTheApplicationDefinesWin() {
        KafkaConnectionOptions own = KafkaConnectionOptions.builder().bootstrapServers("localhost:1").build();
        runner.withBean(KafkaConnectionOptions.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(KafkaConnectionOptions.class)).isSameAs(own);
            assertThat(context.getBean(DocumentServiceKafkaClient.class)).isNotNull();
        });
    }
}
