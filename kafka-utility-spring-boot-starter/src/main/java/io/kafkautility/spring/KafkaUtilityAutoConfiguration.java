package io.kafkautility.spring;

import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.spring.internal.KafkaClientsVersion;
import io.kafkautility.spring.internal.KafkaUtilityPropertiesException;
import io.kafkautility.spring.internal.PropertyConnection;
import io.kafkautility.spring.internal.UnknownProperties;
import io.kafkautility.tracing.KafkaTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.common.utils.AppInfoParser;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * kafka-utility in a Spring Boot application: the {@link KafkaConnectionOptions} from {@code kafka-utility.*} (then the
 * environment and {@code .env}), one {@link KafkaClientPool} for the application (its metrics bound to the
 * application's {@link MeterRegistry}, its tracing through the application's {@link OpenTelemetry} when there are
 * such beans), the typed clients on that pool, and with Actuator a health indicator over every kafka-utility part in
 * the context. A wrong setting stops the context with Boot's failure report naming the {@code kafka-utility.*} property
 * ({@link KafkaUtilityFailureAnalyzer}), and so does a {@code kafka-utility.*} key the starter does not have. Each bean
 * backs off when the application defines its own; the context closes what it created. The
 * context fails to start when Spring Boot's dependency management has put a kafka-clients older than 4.1 on the class
 * path, with a message that says how to fix the build.
 */
@AutoConfiguration
@EnableConfigurationProperties(KafkaUtilityProperties.class)
public class KafkaUtilityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public KafkaConnectionOptions kafkaUtilityConnection(KafkaUtilityProperties properties,
                                                         org.springframework.core.env.Environment environment) {
        KafkaClientsVersion.require(AppInfoParser.getVersion());
        java.util.List<String> unknown = UnknownProperties.check(environment);
        if (!unknown.isEmpty()) {
            throw new KafkaUtilityPropertiesException(unknown);
        }
        return PropertyConnection.build(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public KafkaClientPool kafkaUtilityPool(ObjectProvider<MeterRegistry> meters,
                                            ObjectProvider<OpenTelemetry> openTelemetry) {
        OpenTelemetry otel = openTelemetry.getIfUnique();
        KafkaClientPool pool = KafkaClientPool.builder().name("spring")
                .tracing(otel == null ? KafkaTracing.noop() : KafkaTracing.of(otel)).build();
        meters.orderedStream().forEach(r -> pool.metrics().bindTo(r));
        return pool;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnClass(DocumentServiceKafkaClient.class)
    public DocumentServiceKafkaClient documentServiceKafkaClient(KafkaConnectionOptions connection,
                                                                 KafkaClientPool pool) {
        return DocumentServiceKafkaClient.builder().connection(connection).pool(pool).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnClass(QueryServiceKafkaClient.class)
    public QueryServiceKafkaClient queryServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool) {
        return QueryServiceKafkaClient.builder().connection(connection).pool(pool).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnClass(LlmServiceKafkaClient.class)
    public LlmServiceKafkaClient llmServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool) {
        return LlmServiceKafkaClient.builder().connection(connection).pool(pool).build();
    }

    /** With Actuator: {@code /actuator/health} shows every kafka-utility part of the context. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Health {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        io.kafkautility.spring.internal.BrokerProbe kafkaUtilityBrokers(KafkaConnectionOptions connection) {
            return new io.kafkautility.spring.internal.BrokerProbe(connection);
        }

        @Bean
        @ConditionalOnMissingBean(name = "kafkaUtilityHealthIndicator")
        KafkaUtilityHealthIndicator kafkaUtilityHealthIndicator(
                org.springframework.context.ApplicationContext context) {
            return new KafkaUtilityHealthIndicator(context);
        }
    }

    /**
     * The same on Spring Boot 4, whose health API is {@code org.springframework.boot.health.contributor} (Boot 4 has no
     * {@code org.springframework.boot.actuate.health}; with both on a class path, Boot 3's indicator is the one).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass(
            "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot4Health {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        io.kafkautility.spring.internal.BrokerProbe kafkaUtilityBrokers(KafkaConnectionOptions connection) {
            return new io.kafkautility.spring.internal.BrokerProbe(connection);
        }

        @Bean
        @ConditionalOnMissingBean(name = "kafkaUtilityHealthIndicator")
        KafkaUtilityBoot4HealthIndicator kafkaUtilityHealthIndicator(
                org.springframework.context.ApplicationContext context) {
            return new KafkaUtilityBoot4HealthIndicator(context);
        }
    }
}
