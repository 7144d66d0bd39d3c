package io.kafkautility.internal.consumer;

import io.kafkautility.consumer.ConsumerOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the retry topics a consumer reads that do not exist yet, each with the partition count of the topic it
 * retries (so keys keep their partition) and the broker's default replication. Bounded; a failure (no ACL to create
 * topics, brokers down) is logged and the consumer starts anyway: retry topics created by operators, or later, are
 * picked up by the subscription.
 */
final class RetryTopics {

    private static final Logger log = LoggerFactory.getLogger(RetryTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private RetryTopics() {
    }

    static void ensure(ConsumerOptions options, Collection<String> retryTopics, Function<String, String> originOf) {
        Map<String, Object> props = new HashMap<>(options.connection().clientProperties());
        props.put("client.id", options.name() + "-retry-topics");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> missing = retryTopics.stream().filter(t -> !existing.contains(t)).toList();
            if (missing.isEmpty()) {
                return;
            }
            List<String> origins = missing.stream().map(originOf).distinct().toList();
            Map<String, TopicDescription> described = admin.describeTopics(origins).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (String topic : missing) {
                TopicDescription origin = described.get(originOf.apply(topic));
                create.add(new NewTopic(topic, java.util.Optional.of(origin.partitions().size()),
                        java.util.Optional.empty()));
            }
            try {
                admin.createTopics(create).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info("Consumer {} created retry topics {}", options.name(), missing);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another member was first: fine
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            log.warn("Consumer {} could not create its retry topics ({}: {}); records that fail wait for them",
                    options.name(), cause.getClass().getSimpleName(), DeadLetterRecords.safeMessage(cause));
        }
    }
}
