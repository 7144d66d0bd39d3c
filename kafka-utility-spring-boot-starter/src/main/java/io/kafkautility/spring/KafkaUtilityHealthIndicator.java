package io.kafkautility.spring;

import io.kafkautility.Lifecycle;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.health.KafkaHealth;
import io.kafkautility.producer.MessageProducer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ApplicationContext;

/**
 * The library's health API as an Actuator health indicator ({@code kafkaUtility}): every {@link Lifecycle} bean
 * (consumers, responders, request-reply clients, response consumers) and every {@link MessageProducer} bean of the
 * context, looked up at each check. UP and DOWN are Actuator's; DEGRADED is reported as status {@code DEGRADED} (add
 * it to {@code management.endpoint.health.status.order} before UP). Reasons and details come along, never secrets.
 */
public class KafkaUtilityHealthIndicator extends AbstractHealthIndicator {

    /** Actuator status for the library's DEGRADED. */
    public static final Status DEGRADED = new Status("DEGRADED");

    private final ApplicationContext context;

    public KafkaUtilityHealthIndicator(ApplicationContext context) {
        super("kafka-utility health check failed");
        this.context = context;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaHealth.Builder checks = KafkaHealth.builder();
        context.getBeansOfType(MessageProducer.class).forEach(checks::producer);
        context.getBeansOfType(Lifecycle.class).forEach((name, part) -> checks.check(name, part::health));
        io.kafkautility.health.Health now = checks.build().check();
        builder.status(now.status() == HealthStatus.UP ? Status.UP
                : now.status() == HealthStatus.DEGRADED ? DEGRADED : Status.DOWN);
        if (!now.reasons().isEmpty()) {
            builder.withDetail("reasons", now.reasons());
        }
        Map<String, Object> parts = new LinkedHashMap<>();
        for (io.kafkautility.health.Health part : now.components()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("status", part.status().name());
            p.put("reasons", part.reasons());
            p.put("details", part.details());
            parts.put(part.component(), p);
        }
        builder.withDetail("components", parts);
    }
}
