package io.kafkautility.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A requester for {@link AbandonedReplyTopicIT} to SIGKILL: creates a client with a generated reply topic of prefix
 * {@code args[2]} and abandoned age {@code args[3]} seconds, prints {@code READY <reply topic>} once it is ready, then
 * waits to be killed. Arguments: bootstrap servers, request topic, prefix, age in seconds.
 */
public final class CrashedRequesterMain {

    private CrashedRequesterMain() {
    }

    public static void main(String[] args) throws Exception {
        RequestReplyClient<String, String> client = RequestReplyClient.create(RequestReplyOptions
                .builder(args[1], PayloadCodec.utf8(), PayloadCodec.utf8())
                .kafkaProperties(Map.of("bootstrap.servers", args[0]))
                .replyTopicPrefix(args[2])
                .abandonedReplyTopicAge(Duration.ofSeconds(Long.parseLong(args[3])))
                .build());
        client.ready().join();
        System.out.println("READY " + client.replyTopic());
        new CountDownLatch(1).await(); // until SIGKILL: the client is never closed
    }
}
