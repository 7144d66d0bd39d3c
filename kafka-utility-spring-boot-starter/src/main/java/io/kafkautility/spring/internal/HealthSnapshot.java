package io.kafkautility.spring.internal;

import io.kafkautility.Lifecycle;
import io.kafkautility.health.Health;
import io.kafkautility.health.KafkaHealth;
import io.kafkautility.producer.MessageProducer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationContext;

/**
 * One health check of every kafka-utility part of a context, for the Actuator indicators of Spring Boot 3 and 4 alike:
 * the library's own {@link Health} and the details both show. Stateless; the parts are looked up at each check.
 */
public final class HealthSnapshot {

    private HealthSnapshot() {
    }

    /**
     * @param context the application context
     * @return the health of the brokers (the starter's {@link BrokerProbe}), every {@code KafkaClientPool} (the shared
     *         producers the typed clients send through), {@link MessageProducer} and {@link Lifecycle} bean, combined
     */
    public static Health check(ApplicationContext context) {
        KafkaHealth.Builder checks = KafkaHealth.builder();
        context.getBeansOfType(BrokerProbe.class).forEach(checks::check);
        context.getBeansOfType(io.kafkautility.producer.KafkaClientPool.class)
                .forEach((name, pool) -> checks.check(name, pool::health));
        context.getBeansOfType(io.kafkautility.client.query.QueryServiceKafkaClient.class)
                .forEach((name, client) -> checks.check(name, client::health));
        context.getBeansOfType(io.kafkautility.client.llm.LlmServiceKafkaClient.class)
                .forEach((name, client) -> checks.check(name, client::health));
        context.getBeansOfType(MessageProducer.class).forEach(checks::producer);
        context.getBeansOfType(Lifecycle.class).forEach((name, part) -> checks.check(name, part::health));
        return checks.build().check();
    }

    /**
     * @param health a combined health
     * @return the details an indicator shows: {@code reasons} (when there are any) and {@code components}
     */
    public static Map<String, Object> details(Health health) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (!health.reasons().isEmpty()) {
            details.put("reasons", health.reasons());
        }
        Map<String, Object> parts = new LinkedHashMap<>();
        for (Health part : health.components()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("status", part.status().name());
            p.put("reasons", part.reasons());
            p.put("details", part.details());
            parts.put(part.component(), p);
        }
        details.put("components", parts);
        return details;
    }
}
