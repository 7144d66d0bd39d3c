package io.kafkautility.internal.requestreply;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteTopicsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps generated reply topics from piling up when their clients crash. A live client marks its topic alive: an
 * offset commit for a consumer group named after the topic (never joined by anyone), whose metadata is
 * {@code ku-alive <epoch millis>}. A sweep deletes the generated topics of the prefix (the prefix, a dash and 12
 * hex digits: only names the library generates) whose mark is older than the abandoned age, and their groups; a topic
 * without a mark is left alone. Everything is asynchronous Admin calls; failures (e.g. no ACL) end in a debug line.
 * Thread-safe.
 */
final class ReplyTopicJanitor {

    private static final Logger log = LoggerFactory.getLogger(ReplyTopicJanitor.class);
    static final String MARK = "ku-alive ";

    private final Admin admin;
    private final Pattern generated;
    private final Duration abandonedAge;
    private final Clock clock;

    ReplyTopicJanitor(Admin admin, String prefix, Duration abandonedAge, Clock clock) {
        this.admin = admin;
        this.generated = Pattern.compile(Pattern.quote(prefix + "-") + "[0-9a-f]{12}");
        this.abandonedAge = abandonedAge;
        this.clock = clock;
    }

    /** Marks {@code topic} alive now. */
    CompletableFuture<Void> markAlive(String topic) {
        OffsetAndMetadata mark = new OffsetAndMetadata(0, MARK + clock.millis());
        return admin.alterConsumerGroupOffsets(topic, Map.of(new TopicPartition(topic, 0), mark)).all()
                .toCompletionStage().toCompletableFuture()
                .exceptionally(e -> {
                    log.debug("Could not mark reply topic {} alive: {}", topic, e.toString());
                    return null;
                });
    }

    /**
     * Deletes the abandoned generated topics other than {@code own}; completes with their names. Each topic is judged
     * and deleted on its own: one whose group or topic another client's sweep removed meanwhile is skipped, not the
     * end of the sweep. Also deletes the liveness groups left without their topic (a client that died between
     * deleting an abandoned topic and its group): groups are listed before topics, and a live client creates its topic
     * before it marks it, so a group listed first whose topic the later list lacks is not a live client's.
     */
    CompletableFuture<List<String>> sweep(String own) {
        return admin.listGroups().all().toCompletionStage().toCompletableFuture()
                .thenCompose(listings -> admin.listTopics().names().toCompletionStage().toCompletableFuture()
                        .thenCompose(names -> {
                            List<CompletableFuture<Void>> orphans = new ArrayList<>();
                            listings.stream().map(g -> g.groupId())
                                    .filter(g -> !g.equals(own) && generated.matcher(g).matches()
                                            && !names.contains(g))
                                    .forEach(g -> {
                                        log.debug("Deleting the liveness group of reply topic {}, gone", g);
                                        orphans.add(forget(g));
                                    });
                            return CompletableFuture.allOf(orphans.toArray(CompletableFuture[]::new))
                                    .thenCompose(v -> judge(own, names));
                        }))
                .thenCompose(this::delete)
                .exceptionally(e -> {
                    log.debug("Could not look for abandoned reply topics: {}", e.toString());
                    return List.of();
                });
    }

    /** The generated topics among {@code names}, other than {@code own}, whose liveness mark is too old. */
    private CompletableFuture<List<String>> judge(String own, java.util.Set<String> names) {
        Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
        names.stream().filter(n -> !n.equals(own) && generated.matcher(n).matches())
                .forEach(n -> groups.put(n, new ListConsumerGroupOffsetsSpec()));
        if (groups.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        ListConsumerGroupOffsetsResult marks = admin.listConsumerGroupOffsets(groups);
        List<CompletableFuture<String>> judged = new ArrayList<>();
        for (String topic : groups.keySet()) {
            judged.add(marks.partitionsToOffsetAndMetadata(topic).toCompletionStage().toCompletableFuture()
                    .thenApply(offsets -> abandoned(offsets) ? topic : null)
                    .exceptionally(e -> {
                        log.debug("Could not read the liveness mark of reply topic {}: {}", topic, e.toString());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(judged.toArray(CompletableFuture[]::new)).thenApply(x ->
                judged.stream().map(CompletableFuture::join).filter(t -> t != null).toList());
    }

    private boolean abandoned(Map<TopicPartition, OffsetAndMetadata> offsets) {
        long markedAt = -1;
        for (OffsetAndMetadata om : offsets.values()) {
            if (om != null && om.metadata() != null && om.metadata().startsWith(MARK)) {
                try {
                    markedAt = Math.max(markedAt, Long.parseLong(om.metadata().substring(MARK.length())));
                } catch (NumberFormatException e) {
                    // not our mark: leave the topic alone
                }
            }
        }
        return markedAt > 0 && clock.millis() - markedAt > abandonedAge.toMillis();
    }

    private CompletableFuture<List<String>> delete(List<String> topics) {
        if (topics.isEmpty()) {
            return CompletableFuture.completedFuture(topics);
        }
        DeleteTopicsResult result = admin.deleteTopics(topics);
        List<CompletableFuture<String>> deleted = new ArrayList<>();
        result.topicNameValues().forEach((topic, done) -> deleted.add(done.toCompletionStage().toCompletableFuture()
                .thenCompose(v -> forget(topic)).thenApply(v -> topic)
                .exceptionally(e -> {
                    // typically another client's sweep deleted it first
                    log.debug("Could not delete abandoned reply topic {}: {}", topic, e.toString());
                    return null;
                })));
        return CompletableFuture.allOf(deleted.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<String> gone = deleted.stream().map(CompletableFuture::join).filter(t -> t != null).toList();
            if (!gone.isEmpty()) {
                log.info("Deleted {} reply topics whose requesters stopped marking them alive more than {} ago: {}",
                        gone.size(), abandonedAge, gone);
            }
            return gone;
        });
    }

    /** Deletes the group that marked {@code topic} (after the client deleted its own topic). */
    CompletableFuture<Void> forget(String topic) {
        return admin.deleteConsumerGroups(List.of(topic)).all().toCompletionStage().toCompletableFuture()
                .exceptionally(e -> {
                    log.debug("Could not delete the liveness group of reply topic {}: {}", topic, e.toString());
                    return null;
                });
    }
}
