package io.kafkautility.spring;

import io.kafkautility.config.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot's failure report ("APPLICATION FAILED TO START") for a kafka-utility configuration problem: the
 * description lists every problem (each naming the {@code kafka-utility.*} property, or the environment variable, that
 * holds the wrong value, never a secret's value), the action says how to fix it. Registered in
 * {@code META-INF/spring.factories}; works on Spring Boot 3.5 and 4.
 */
public class KafkaUtilityFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        StringBuilder description = new StringBuilder("kafka-utility could not be configured:\n");
        for (String problem : cause.problems()) {
            description.append("\n    - ").append(problem);
        }
        String action = "Correct the settings named above: the kafka-utility.* properties in application.properties "
                + "or application.yaml (or their environment variables, e.g. KAFKA_BOOTSTRAP_SERVERS for "
                + "kafka-utility.bootstrap-servers), and Kafka's own client settings under kafka-utility.kafka.*. "
                + "Your IDE completes every kafka-utility.* property from the starter's configuration metadata; "
                + "the README's \"Spring Boot\" section lists them with an example.";
        return new FailureAnalysis(description.toString(), action, cause);
    }
}
