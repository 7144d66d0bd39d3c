package io.kafkautility.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to Kafka: parameters (constructor, lifecycle or test methods) of type
 * {@link io.kafkautility.testkit.KafkaCluster} or {@link io.kafkautility.testkit.EmbeddedKafkaCluster} are injected by
 * {@link KafkaClusterExtension}.
 *
 * <p>With no attributes the class shares one single-node embedded cluster with every other such class in the test JVM
 * (started once, on first use), or, when the {@code KAFKA_BOOTSTRAP_SERVERS} environment variable (or system property)
 * is set, an external cluster at that address. Any of {@link #brokers()} &gt; 1, {@link #dedicated()},
 * {@link #brokerProperties()} or {@link #autoCreateTopics()} gives the class its own embedded cluster, started before
 * its first use and closed after its last test (an external cluster is never used for such a class).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaClusterExtension.class)
public @interface KafkaTest {

    /** Number of brokers of a dedicated cluster (1..9); more than 1 implies a dedicated cluster. */
    int brokers() default 1;

    /** Give this class its own embedded cluster even with default settings (e.g. because it stops brokers). */
    boolean dedicated() default false;

    /** Extra broker settings as {@code key=value}, e.g. {@code "min.insync.replicas=2"}; implies a dedicated cluster. */
    String[] brokerProperties() default {};

    /** {@code auto.create.topics.enable} of a dedicated cluster; true implies a dedicated cluster. */
    boolean autoCreateTopics() default false;
}
