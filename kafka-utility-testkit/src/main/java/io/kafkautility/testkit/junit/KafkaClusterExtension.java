package io.kafkautility.testkit.junit;

import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.EmbeddedKafkaOptions;
import io.kafkautility.testkit.KafkaCluster;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that injects a {@link KafkaCluster} (or {@link EmbeddedKafkaCluster}) parameter. Use it through
 * {@link KafkaTest} or {@code @ExtendWith(KafkaClusterExtension.class)}.
 *
 * <ul>
 *   <li>{@code KafkaCluster}: an external cluster when {@value KafkaCluster#BOOTSTRAP_SERVERS_ENV} is set in the
 *       environment or as a system property, otherwise the JVM-wide shared single-node embedded cluster; a class
 *       whose {@link KafkaTest} asks for a dedicated cluster gets that one instead.</li>
 *   <li>{@code EmbeddedKafkaCluster}: always embedded (the class's dedicated one, or the shared one).</li>
 * </ul>
 *
 * <p>The shared cluster is kept in JUnit's root {@link ExtensionContext.Store} and closed by JUnit when the test plan
 * ends; a dedicated cluster is kept in the annotated class's store and closed after that class. Tests must not close
 * an injected cluster. Thread-safe (works with parallel test execution).
 */
public final class KafkaClusterExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);
    private static final String SHARED_KEY = "shared-embedded-cluster";
    private static final String EXTERNAL_KEY = "external-cluster";
    private static final String DEDICATED_KEY = "dedicated-cluster";

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KafkaCluster.class || type == EmbeddedKafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Class<?> type = parameterContext.getParameter().getType();
        Optional<ExtensionContext> dedicatedOwner = dedicatedOwner(context);
        if (dedicatedOwner.isPresent()) {
            return dedicated(dedicatedOwner.get());
        }
        if (type == KafkaCluster.class) {
            String external = externalBootstrapServers();
            if (external != null) {
                return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(EXTERNAL_KEY, k -> {
                    log.info("Tests use the external Kafka cluster at {} ({})", external,
                            KafkaCluster.BOOTSTRAP_SERVERS_ENV);
                    return KafkaCluster.external(external);
                }, KafkaCluster.class);
            }
        }
        return shared(context);
    }

    /** The bootstrap address of an external cluster from the environment (or system property), or null. */
    static String externalBootstrapServers() {
        String value = System.getProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV);
        if (value == null || value.isBlank()) {
            value = System.getenv(KafkaCluster.BOOTSTRAP_SERVERS_ENV);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static EmbeddedKafkaCluster shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SHARED_KEY,
                k -> KafkaCluster.embedded(), EmbeddedKafkaCluster.class);
    }

    private static EmbeddedKafkaCluster dedicated(ExtensionContext owner) {
        KafkaTest annotation = annotation(owner.getElement().orElseThrow()).orElseThrow();
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(DEDICATED_KEY, k -> {
            EmbeddedKafkaOptions options = options(annotation, owner.getDisplayName());
            EmbeddedKafkaCluster cluster = KafkaCluster.embedded(options);
            log.info("{} uses its own embedded cluster {} (started in {} ms)", owner.getDisplayName(), cluster,
                    cluster.startupDuration().toMillis());
            return cluster;
        }, EmbeddedKafkaCluster.class);
    }

    static EmbeddedKafkaOptions options(KafkaTest annotation, String owner) {
        EmbeddedKafkaOptions.Builder builder = EmbeddedKafkaOptions.builder()
                .brokers(annotation.brokers())
                .autoCreateTopics(annotation.autoCreateTopics());
        for (String property : annotation.brokerProperties()) {
            int eq = property.indexOf('=');
            if (eq <= 0) {
                throw new ParameterResolutionException("@KafkaTest(brokerProperties) on " + owner
                        + " must be key=value but was '" + property + "'");
            }
            builder.brokerProperty(property.substring(0, eq).trim(), property.substring(eq + 1).trim());
        }
        return builder.build();
    }

    /** The innermost class context whose {@link KafkaTest} asks for a dedicated cluster. */
    private static Optional<ExtensionContext> dedicatedOwner(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isPresent() && element.get() instanceof Class<?>) {
                Optional<KafkaTest> annotation = annotation(element.get());
                if (annotation.isPresent()) {
                    return wantsDedicated(annotation.get()) ? Optional.of(c) : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<KafkaTest> annotation(AnnotatedElement element) {
        return AnnotationSupport.findAnnotation(element, KafkaTest.class);
    }

    static boolean wantsDedicated(KafkaTest a) {
        return a.brokers() != 1 || a.dedicated() || a.brokerProperties().length > 0 || a.autoCreateTopics();
    }
}
