package io.kafkautility.response;

import static io.kafkautility.response.WebSocketSessionManager.Admission.ACCEPTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every broker goes away and comes back: the response consumer keeps running and delivers the next reply. */
@KafkaTest(brokers = 2)
class BrokerOutageIT {

    @Test
    void consumerSurvivesAllBrokersBeingDownAndDeliversAfterTheyReturn(EmbeddedKafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b,
                b -> b.retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            TestConnection before = f.open("before");
            assertThat(f.manager.beginQuestion("before", "q")).isEqualTo(ACCEPTED);
            f.reply("before", "q");
            await().atMost(Duration.ofSeconds(30)).until(() -> before.answers().size() == 1);

            long t0 = System.nanoTime();
            for (int id : cluster.brokerIds()) {
                cluster.shutdownBroker(id);
            }
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(f.consumer::isRunning);
            for (int id : cluster.brokerIds()) {
                cluster.startBroker(id);
            }
            long outageMs = (System.nanoTime() - t0) / 1_000_000;

            TestConnection after = f.open("after");
            assertThat(f.manager.beginQuestion("after", "q")).isEqualTo(ACCEPTED);
            f.reply("after", "q");
            await().atMost(Duration.ofSeconds(60)).until(() -> after.answers().size() == 1);
            long recoveredMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(f.consumer.isRunning()).isTrue();
            System.out.printf("OUTAGE all %d brokers down and back in %d ms; next reply delivered %d ms after the "
                    + "outage began%n", cluster.brokerIds().size(), outageMs, recoveredMs);
        }
    }
}
