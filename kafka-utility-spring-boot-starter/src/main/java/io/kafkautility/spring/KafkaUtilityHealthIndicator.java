package io.kafkautility.spring;

import io.kafkautility.health.HealthStatus;
import io.kafkautility.spring.internal.HealthSnapshot;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ApplicationContext;

/**
 * The library's health API as a Spring Boot 3 Actuator health indicator ({@code kafkaUtility}; on Boot 4 it is
 * {@link KafkaUtilityBoot4HealthIndicator}): every {@link io.kafkautility.Lifecycle} bean (consumers, responders,
 * request-reply clients, response consumers) and every {@link io.kafkautility.producer.MessageProducer} bean of the
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
        io.kafkautility.health.Health now = HealthSnapshot.check(context);
        builder.status(now.status() == HealthStatus.UP ? Status.UP
                : now.status() == HealthStatus.DEGRADED ? DEGRADED : Status.DOWN);
        builder.withDetails(HealthSnapshot.details(now));
    }
}
