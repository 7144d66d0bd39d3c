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
        checkFailureReport();
        System.out.println("DROPIN kafka-utility-spring-boot-starter OK");
    }

    /**
     * A bad setting stops the application with Boot's failure report in the user's terms: the starter's analyzer is
     * registered for Boot, and its description names the kafka-utility.* property, not an environment variable.
     */
    private static void checkFailureReport() {
        try {
            boolean registered = false;
            for (java.net.URL url : java.util.Collections.list(Check.class.getClassLoader()
                    .getResources("META-INF/spring.factories"))) {
                try (java.io.InputStream in = url.openStream()) {
                    registered |= new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .contains("io.kafkautility.spring.KafkaUtilityFailureAnalyzer");
                }
            }
            if (!registered) {
                throw new AssertionError("KafkaUtilityFailureAnalyzer is not in META-INF/spring.factories");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        SpringApplication app = new SpringApplication(Check.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = app.run("--kafka-utility.bootstrap-servers=127.0.0.1:9",
                "--kafka-utility.security-protocol=PLAINTXT", "--spring.main.banner-mode=off")) {
            throw new AssertionError("started with security-protocol PLAINTXT");
        } catch (RuntimeException failed) {
            org.springframework.boot.diagnostics.FailureAnalysis analysis =
                    new io.kafkautility.spring.KafkaUtilityFailureAnalyzer().analyze(failed);
            if (analysis == null || !analysis.getDescription().contains("kafka-utility.security-protocol")
                    || analysis.getDescription().contains("KAFKA_SECURITY_PROTOCOL")) {
                throw new AssertionError("failure report " + (analysis == null ? failed : analysis.getDescription()));
            }
            System.out.println("DROPIN failure report: " + analysis.getDescription().replace('\n', ' '));
        }
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
            // no broker listens on 127.0.0.1:9: the broker probe says so (DEGRADED before its first probe, DOWN
            // after), and the application's producer is a part with its breaker
            if ("UP".equals(status.toString()) || !details.toString().contains("breakerState=CLOSED")
                    || !details.toString().contains("brokers")) {
                throw new AssertionError("health " + status + " " + details);
            }
            System.out.println("DROPIN Boot 4 health: " + status + " " + details);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
