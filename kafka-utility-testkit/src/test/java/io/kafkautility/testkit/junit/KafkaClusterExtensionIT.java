package io.kafkautility.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.KafkaCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs small test classes through the JUnit engine to check what {@link KafkaClusterExtension} injects and when it
 * closes clusters. The inner classes are static and not named *Test/*IT, so the build never runs them on their own.
 */
@ExtendWith(KafkaClusterExtension.class)
class KafkaClusterExtensionIT {
    static final Map<String, KafkaCluster> SEEN = new ConcurrentHashMap<>();

    @KafkaTest
    static class SharedA {
        @Test
        void a(KafkaCluster cluster) {
            SEEN.put("sharedA", cluster);
        }
    }

    @KafkaTest
    static class SharedB {
        SharedB(KafkaCluster cluster) {
            SEEN.put("sharedB-ctor", cluster);
        }

        @Test
        void b(EmbeddedKafkaCluster cluster) {
            SEEN.put("sharedB", cluster);
        }

        @Nested
        class Inner {
            @Test
            void inner(KafkaCluster cluster) {
                SEEN.put("sharedB-nested", cluster);
            }
        }
    }

    @KafkaTest(dedicated = true)
    static class Dedicated {
        @Test
        void one(KafkaCluster cluster) {
            SEEN.put("dedicated-1", cluster);
        }

        @Test
        void two(EmbeddedKafkaCluster cluster) {
            SEEN.put("dedicated-2", cluster);
        }
    }

    @KafkaTest(brokerProperties = "not-key-value")
    static class BadProperties {
        @Test
        void never(KafkaCluster cluster) {
            SEEN.put("bad", cluster);
        }
    }

    private static void run(Class<?>... classes) {
        var request = EngineTestKit.engine("junit-jupiter");
        for (Class<?> c : classes) {
            request = request.selectors(selectClass(c));
        }
        var results = request.execute();
        SEEN.put("__failed", results.testEvents().failed().count() == 0 ? KafkaCluster.external("none:0")
                : KafkaCluster.external("failed:" + results.testEvents().failed().count()));
    }

    private static boolean accepts(String bootstrap) {
        String first = bootstrap.split(",")[0];
        int colon = first.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                    1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sharesOneClusterAcrossClassesAndClosesItWhenTheRunEnds() {
        SEEN.clear();
        run(SharedA.class, SharedB.class, Dedicated.class);
        assertThat(SEEN.get("__failed").bootstrapServers()).isEqualTo("none:0");
        KafkaCluster shared = SEEN.get("sharedA");
        assertThat(shared).isInstanceOf(EmbeddedKafkaCluster.class);
        assertThat(List.of(SEEN.get("sharedB"), SEEN.get("sharedB-ctor"), SEEN.get("sharedB-nested")))
                .allSatisfy(c -> assertThat(c).isSameAs(shared));
        assertThat(SEEN.get("dedicated-1")).isSameAs(SEEN.get("dedicated-2")).isNotSameAs(shared);
        assertThat(accepts(shared.bootstrapServers())).as("shared cluster closed after the run").isFalse();
        assertThat(accepts(SEEN.get("dedicated-1").bootstrapServers())).as("dedicated cluster closed").isFalse();
    }

    @Test
    void usesTheExternalClusterFromKafkaBootstrapServers(EmbeddedKafkaCluster outer) {
        SEEN.clear();
        String previous = System.getProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV);
        System.setProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV, outer.bootstrapServers());
        try {
            run(SharedA.class);
        } finally {
            if (previous == null) {
                System.clearProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV);
            } else {
                System.setProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV, previous);
            }
        }
        KafkaCluster injected = SEEN.get("sharedA");
        assertThat(injected).isNotInstanceOf(EmbeddedKafkaCluster.class);
        assertThat(injected.bootstrapServers()).isEqualTo(outer.bootstrapServers());
        assertThat(accepts(outer.bootstrapServers())).as("an external cluster is never closed").isTrue();
    }

    @Test
    void reportsABadBrokerPropertyClearly() {
        SEEN.clear();
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BadProperties.class)).execute();
        assertThat(results.testEvents().failed().count()).isEqualTo(1);
        Throwable error = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertThat(error).hasMessageContaining("must be key=value but was 'not-key-value'");
        assertThat(SEEN).doesNotContainKey("bad");
    }
}
