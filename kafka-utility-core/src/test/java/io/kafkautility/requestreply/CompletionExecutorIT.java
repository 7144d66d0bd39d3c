package io.kafkautility.requestreply;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request futures complete on the client's completion executor, never on the reply consumer's loop or a Kafka I/O
 * thread: a caller's callback that blocks holds up only itself. Before, a callback blocking 2 s delayed every other
 * reply of the client by 2 s (it ran on the reply listener's thread).
 */
@KafkaTest
class CompletionExecutorIT {

    @Test
    void aBlockingCallbackDoesNotHoldUpOtherReplies(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("completion-requests");
        cluster.createTopics(requestTopic);
        CountDownLatch release = new CountDownLatch(1);
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> client = RequestReplyClient.create(
                     client(cluster, requestTopic, new SimpleMeterRegistry()).build())) {
            client.ready().get(30, TimeUnit.SECONDS);
            CompletableFuture<String> callbackThread = new CompletableFuture<>();
            CompletableFuture<String> first = client.request("first", Duration.ofSeconds(30));
            CompletableFuture<Void> blocked = first.thenAccept(v -> { // runs where the future is completed
                callbackThread.complete(Thread.currentThread().getName());
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String thread = callbackThread.get(30, TimeUnit.SECONDS);
            assertThat(thread).as("the client's completion threads, not its reply consumer's or Kafka's")
                    .startsWith("ku-rr-complete-");
            // the first callback is still blocked: the next replies arrive all the same
            for (int i = 0; i < 5; i++) {
                assertThat(client.request("next-" + i, Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS))
                        .isEqualTo("next-" + i);
            }
            assertThat(blocked).isNotDone();
            release.countDown();
            blocked.get(10, TimeUnit.SECONDS);
            System.out.println("COMPLETION first callback ran on " + thread + "; 5 replies arrived while it blocked");
        } finally {
            release.countDown();
        }
    }
}
