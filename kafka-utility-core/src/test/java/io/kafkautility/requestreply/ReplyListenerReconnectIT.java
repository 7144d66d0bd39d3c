package io.kafkautility.requestreply;

import static io.kafkautility.requestreply.RrSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.FailingConsumer;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request-reply client's reply consumer fails (its poll throws) while requests are pending: it is recreated where
 * it was, the pending requests get their replies and later requests work. Before, one failure failed every pending
 * request and the client refused every request after it, for good.
 */
@KafkaTest
class ReplyListenerReconnectIT {

    @Test
    void aFailedReplyConsumerIsRecreatedWhereItWasAndNoPendingRequestFails(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("reconnect-requests");
        cluster.createTopics(requestTopic);
        FailingConsumer consumers = new FailingConsumer(false);
        RequestReplyOptions<String, String> options = client(cluster, requestTopic, new SimpleMeterRegistry())
                .consumerFactory(consumers.factory()).build();
        try (Responder<String, String> echo = echo(cluster, requestTopic);
             RequestReplyClient<String, String> client = RequestReplyClient.create(options)) {
            client.ready().get(30, TimeUnit.SECONDS);
            assertThat(client.request("before", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)).isEqualTo("before");
            consumers.failNextPoll();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(consumers::failed);
            // the failed consumer is gone; these are asked while its successor is not there yet (100 ms backoff):
            // their replies must be read by the successor, which starts where the failed one was
            List<CompletableFuture<String>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(client.request("during-" + i, Duration.ofSeconds(30)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(pending.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("during-" + i);
            }
            assertThat(consumers.created()).as("the reply consumer was recreated").isEqualTo(2);
            assertThat(client.request("after", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)).isEqualTo("after");
            assertThat(client.pendingCount()).isZero();
        }
    }
}
