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
        }
        System.out.println("DROPIN kafka-utility-spring-boot-starter OK");
    }
}
