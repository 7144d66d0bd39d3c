package io.kafkautility.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.JvmProcess;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A requester that crashes leaves its generated reply topic behind (a closed one deletes its own): the clients that
 * come after it delete it once nobody marked it alive for the abandoned age, while live clients' topics, topics without
 * a mark and topics the library did not generate are kept.
 */
@KafkaTest
class AbandonedReplyTopicIT {

    private static final Duration AGE = Duration.ofSeconds(3);
    private static final Pattern READY = Pattern.compile("READY (\\S+)");

    @Test
    void aSigkilledRequestersReplyTopicIsDeletedByTheNextClientAndNothingElse(KafkaCluster cluster) throws Exception {
        String prefix = "ku-abandoned-" + TopicNames.unique("t").replaceAll("[^a-z]", "");
        String requests = TopicNames.unique("abandoned-requests");
        String stale = prefix + "-aaaaaaaaaaaa";     // a requester that crashed an hour ago
        String unmarked = prefix + "-bbbbbbbbbbbb";  // no mark: not known to be the library's, never touched
        String foreign = prefix + "-orders";         // not a generated name
        String orphaned = prefix + "-cccccccccccc";  // its topic deleted, its liveness group not (a sweeper died)
        cluster.createTopics(requests, stale, unmarked, foreign, orphaned);
        try (Admin admin = cluster.admin()) {
            for (String marked : new String[] {stale, orphaned}) {
                admin.alterConsumerGroupOffsets(marked, Map.of(new TopicPartition(marked, 0), new OffsetAndMetadata(0,
                        "ku-alive " + (System.currentTimeMillis() - 3_600_000)))).all().get(30, TimeUnit.SECONDS);
            }
            admin.deleteTopics(java.util.List.of(orphaned)).all().get(30, TimeUnit.SECONDS);
            assertThat(groups(admin)).as("a group outlives its topic").contains(orphaned);

            String crashed;
            try (JvmProcess child = JvmProcess.builder(CrashedRequesterMain.class)
                    .args(cluster.bootstrapServers(), requests, prefix, Long.toString(AGE.toSeconds())).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> READY.matcher(child.logTail(50)).find()
                        || !child.isAlive());
                Matcher m = READY.matcher(child.logTail(50));
                assertThat(m.find()).as("child ready: %s", child.logTail(20)).isTrue();
                crashed = m.group(1);
                child.kill();
            }
            assertThat(topics(admin)).as("a SIGKILLed requester leaves its reply topic").contains(crashed);

            RequestReplyOptions<String, String> options = RequestReplyOptions.builder(requests, PayloadCodec.utf8(),
                            PayloadCodec.utf8()).kafkaProperties(cluster.clientProperties())
                    .replyTopicPrefix(prefix).abandonedReplyTopicAge(AGE).build();
            try (RequestReplyClient<String, String> first = RequestReplyClient.create(options);
                 RequestReplyClient<String, String> second = RequestReplyClient.create(options)) {
                first.ready().get(60, TimeUnit.SECONDS);
                second.ready().get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topics(admin))
                        .as(() -> "liveness mark of " + stale + ": " + mark(admin, stale))
                        .doesNotContain(stale, crashed));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(groups(admin))
                        .doesNotContain(stale, orphaned));
                // two live clients sweeping every 3 s never delete each other's topics, nor the rest
                await().during(AGE.multipliedBy(3)).atMost(AGE.multipliedBy(4)).untilAsserted(() ->
                        assertThat(topics(admin)).contains(first.replyTopic(), second.replyTopic(), unmarked,
                                foreign));
                String own = first.replyTopic();
                first.close();
                assertThat(topics(admin)).as("a closed client deletes its own topic").doesNotContain(own);
            }
            System.out.printf("ABANDONED reply topics deleted: %s (marked an hour ago), %s (SIGKILLed child), the group "
                    + "of %s (topic gone); kept: live clients', %s (no mark), %s (not generated)%n", stale, crashed,
                    orphaned, unmarked, foreign);
        }
    }

    private static String mark(Admin admin, String group) {
        try {
            return String.valueOf(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static java.util.List<String> groups(Admin admin) throws Exception {
        return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(g -> g.groupId()).toList();
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
}
