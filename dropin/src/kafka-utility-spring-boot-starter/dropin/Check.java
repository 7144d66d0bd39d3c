package dropin;

import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * kafka-utility-spring-boot-starter alone: a Spring Boot application with auto-configuration on, its kafka-utility
 * beans built from a property, started and closed.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class Check {

    /** An application's own producer: the health indicator must report it. */
    @org.springframework.context.annotation.Bean(destroyMethod = "close")
    io.kafkautility.producer.MessageProducer orders(KafkaClientPool pool, KafkaConnectionOptions connection) {
        return pool.newProducer(io.kafkautility.producer.ProducerOptions.builder(connection).source("/dropin").build());
    }
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(Check.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = app.run("--kafka-utility.bootstrap-servers=127.0.0.1:9",
                "--spring.main.banner-mode=off")) {
            KafkaConnectionOptions connection = context.getBean(KafkaConnectionOptions.class);
            if (!"127.0.0.1:9".equals(connection.clientProperties().get("bootstrap.servers"))) {
                throw new AssertionError("connection " + connection);
            }
            context.getBean(KafkaClientPool.class);
            context.getBean(DocumentServiceKafkaClient.class);
            context.getBean(QueryServiceKafkaClient.class);
            context.getBean(LlmServiceKafkaClient.class);
            checkBoot4Health(context);
        }
        System.out.println("DROPIN kafka-utility-spring-boot-starter OK");
    }

    /** On Spring Boot 4 with its health API: the starter's indicator is registered and reports the clients' health. */
    private static void checkBoot4Health(ConfigurableApplicationContext context) {
        Class<?> indicatorType;
        try {
            indicatorType = Class.forName("org.springframework.boot.health.contributor.HealthIndicator");
        } catch (ClassNotFoundException bootThree) {
            return;
        }
        try {
            Object indicator = context.getBean("kafkaUtilityHealthIndicator");
            if (!indicatorType.isInstance(indicator)) {
                throw new AssertionError("kafkaUtilityHealthIndicator is a " + indicator.getClass());
            }
            Object health = indicatorType.getMethod("health").invoke(indicator);
            Object status = health.getClass().getMethod("getStatus").invoke(health);
            Object details = health.getClass().getMethod("getDetails").invoke(health);
            if (!"UP".equals(status.toString()) || !details.toString().contains("breakerState=CLOSED")) {
                throw new AssertionError("health " + status + " " + details);
            }
            System.out.println("DROPIN Boot 4 health: " + status + " " + details);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
