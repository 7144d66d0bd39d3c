package io.kafkautility.spring;

import io.kafkautility.health.HealthStatus;
import io.kafkautility.spring.internal.HealthSnapshot;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;

/**
 * {@link KafkaUtilityHealthIndicator} for Spring Boot 4, whose health API moved to
 * {@code org.springframework.boot.health.contributor} ({@code spring-boot-health}): the same check, status and details.
 * Registered as {@code kafkaUtilityHealthIndicator} when that API is on the class path. Thread-safe; the parts are
 * looked up in the context at each check.
 */
public class KafkaUtilityBoot4HealthIndicator extends AbstractHealthIndicator {

    /** Actuator status for the library's DEGRADED (add it to {@code management.endpoint.health.status.order}). */
    public static final Status DEGRADED = new Status("DEGRADED");

    private final ApplicationContext context;

    /** @param context the application context whose kafka-utility parts are checked */
    public KafkaUtilityBoot4HealthIndicator(ApplicationContext context) {
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
