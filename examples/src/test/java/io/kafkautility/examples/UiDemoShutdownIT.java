package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.JvmProcess;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.Test;

/**
 * The UI backend as it is deployed ({@link UiDemo} in its own JVM): SIGTERM ({@code docker stop}, Ctrl-C) closes the
 * stack before the JVM exits, so its consumers leave their groups at once instead of being waited for until their
 * session times out, and the partitions go to the next instance without a pause.
 */
@KafkaTest
class UiDemoShutdownIT {

    @Test
    void sigtermClosesTheStackAndItsConsumersLeaveTheirGroups(KafkaCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            // the groups the stack joins (the LLM service's; the response consumer reads every partition without one)
            // may exist from earlier tests: what counts is that they gain members, and lose them on SIGTERM
            Map<String, Integer> before = membersOf(admin, groupIds(admin));
            try (JvmProcess ui = JvmProcess.builder(UiDemo.class)
                    .jvmArgs(List.of("-Xmx384m", "-XX:+UseSerialGC"))
                    .environment("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers())
                    .environment("UI_PORT", "0")
                    .start()) {
                await().atMost(Duration.ofSeconds(90)).until(() -> ui.logTail(200).contains("chat UI on http://"));
                Set<String> groups = new HashSet<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    membersOf(admin, groupIds(admin)).forEach((g, n) -> {
                        if (n > before.getOrDefault(g, 0)) {
                            groups.add(g);
                        }
                    });
                    return !groups.isEmpty();
                });
                System.out.println("UI stack groups with members: " + membersOf(admin, groups));

                long t0 = System.nanoTime();
                int exit = ui.terminate(Duration.ofSeconds(60));
                long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                String log = ui.logTail(50);
                System.out.println("SIGTERM to exit " + stopMs + " ms, exit code " + exit + "\n" + log);
                // left, not timed out: the default session timeout is 45 s, the check runs right after the exit
                Map<String, Integer> after = membersOf(admin, groups);
                assertThat(after).as("members of the stack's groups after its exit").allSatisfy((g, n) ->
                        assertThat(n).as(g).isEqualTo(before.getOrDefault(g, 0)));
                assertThat(log).contains("UI stack stopped in").doesNotContain("did not stop within");
                assertThat(stopMs).as("SIGTERM to exit").isLessThan(30_000);
            }
        }
    }

    private static Set<String> groupIds(Admin admin) throws Exception {
        return admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
    }

    private static Map<String, Integer> membersOf(Admin admin, Set<String> groups) throws Exception {
        Map<String, ConsumerGroupDescription> d = admin.describeConsumerGroups(groups).all().get(10, TimeUnit.SECONDS);
        return d.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().members().size()));
    }
}
