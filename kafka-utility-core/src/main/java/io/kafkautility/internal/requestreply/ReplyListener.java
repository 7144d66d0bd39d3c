package io.kafkautility.internal.requestreply;

import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.RequestSendException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reply consumer: a {@link RecordSink} on the library's {@link ConsumerLoop} in assign mode. On its first client
 * it creates a generated reply topic, assigns the reply partitions and positions them at their ends (so every reply
 * to a request sent afterwards is seen); it hands each record to the client; a recreated client resumes where the
 * failed one was. A failure before it was ready is final (the requests waiting for it fail).
 */
final class ReplyListener implements RecordSink {

    private final DefaultRequestReplyClient<?, ?> client;
    private final RequestReplyOptions<?, ?> options;
    private final String replyTopic;
    private final int replyPartition;
    private final boolean generatedTopic;
    private final TimeoutScheduler scheduler;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ConsumerLoop loop;
    private volatile boolean topicCreated;
    /** Generated topics with an abandoned age: the admin client that marks and sweeps, closed on stop. */
    private volatile Admin admin;
    private volatile ReplyTopicJanitor janitor;
    private volatile CompletableFuture<Void> janitorTimer;
    private volatile boolean stopped;

    ReplyListener(DefaultRequestReplyClient<?, ?> client, RequestReplyOptions<?, ?> options, String replyTopic,
                  int replyPartition, boolean generatedTopic, String instanceId, TimeoutScheduler scheduler) {
        this.client = client;
        this.options = options;
        this.replyTopic = replyTopic;
        this.replyPartition = replyPartition;
        this.generatedTopic = generatedTopic;
        this.scheduler = scheduler;
        Map<String, Object> props = new HashMap<>(options.kafkaProperties());
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.compute(ConsumerConfig.CLIENT_ID_CONFIG,
                (k, v) -> (v == null ? options.clientName() : v) + "-replies-" + instanceId);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Object> consumerProperties = Map.copyOf(props);
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.assign("rr-replies-" + options.clientName() + "-"
                        + instanceId, () -> options.consumerFactory().apply(new HashMap<>(consumerProperties)),
                        this::partitions)
                .commitTimeout(options.startupTimeout())
                .closeTimeout(Duration.ofSeconds(1))
                .commitInterval(Duration.ZERO)
                .build(), this);
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    void start() {
        Duration startup = options.startupTimeout();
        try {
            TimeoutScheduler.Timeout startupTimer = scheduler.schedule(() -> {
                if (ready.completeExceptionally(new RequestSendException("Reply consumer for topic " + replyTopic
                        + " was not assigned and positioned within startupTimeout " + startup.toMillis() + " ms",
                        null, replyTopic, null))) {
                    ReplyListenerLog.LOG.warn("Reply consumer for topic {} not ready after {} ms; queued requests "
                            + "failed", replyTopic, startup.toMillis());
                }
            }, startup.toNanos());
            ready.whenComplete((v, e) -> startupTimer.cancel());
        } catch (RejectedExecutionException e) {
            ready.completeExceptionally(new RequestSendException("Timer unavailable", null, replyTopic, e));
        }
        loop.ready().whenComplete((v, e) -> {
            if (e == null && !ready.complete(null)) {
                // the startup timeout fired first (requests already failed) or the client closed: stop here
                loop.close(Duration.ZERO);
            }
        });
        loop.start();
    }

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        try {
            client.onReply(record);
        } catch (RuntimeException e) {
            ReplyListenerLog.LOG.warn("Handling reply at {}-{}@{} failed: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
        }
        ack.done();
    }

    @Override
    public boolean onFailure(RuntimeException e, Duration retryIn) {
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            return true; // recreated from where it was; pending requests keep waiting
        }
        ReplyListenerLog.LOG.error("Reply consumer for topic {} could not start: {}", replyTopic, e.toString());
        ready.completeExceptionally(e instanceof RequestReplyException ? e
                : new RequestSendException("Reply consumer for topic " + replyTopic + " could not start: " + e, null,
                replyTopic, e));
        client.onListenerFailed(e);
        return false;
    }

    /** The reply partitions (first client only; poll thread). */
    private Collection<TopicPartition> partitions(Consumer<byte[], byte[]> c) {
        Duration timeout = options.startupTimeout();
        if (generatedTopic) {
            createTopic(timeout);
        }
        if (replyPartition >= 0) {
            return List.of(new TopicPartition(replyTopic, replyPartition));
        }
        if (generatedTopic) {
            return List.of(new TopicPartition(replyTopic, 0));
        }
        List<PartitionInfo> infos = c.partitionsFor(replyTopic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new RequestSendException("Reply topic " + replyTopic + " does not exist", null, replyTopic, null);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        return partitions;
    }

    private void createTopic(Duration timeout) {
        Admin a = options.adminFactory().apply(new HashMap<>(options.kafkaProperties()));
        try {
            a.createTopics(List.of(new NewTopic(replyTopic, Optional.of(1), Optional.empty())))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            topicCreated = true;
            keepTidy(a);
            a = null; // kept for marking and sweeping
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RequestSendException("Could not create reply topic " + replyTopic + ": " + e.getCause(),
                        null, replyTopic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (TimeoutException e) {
            throw new RequestSendException("Could not create reply topic " + replyTopic + " within " + timeout, null,
                    replyTopic, e);
        } finally {
            if (a != null) {
                a.close(Duration.ZERO);
            }
        }
    }

    /**
     * Marks the generated topic alive now and every quarter of the abandoned age, and deletes abandoned ones of the
     * same prefix now and every abandoned age (see {@link RequestReplyOptions.Builder#abandonedReplyTopicAge}).
     */
    private void keepTidy(Admin a) {
        Duration age = options.abandonedReplyTopicAge();
        if (age.isZero()) {
            a.close(Duration.ZERO);
            return;
        }
        admin = a;
        janitor = new ReplyTopicJanitor(a, options.replyTopicPrefix(), age, java.time.Clock.systemUTC());
        tidy(0, Math.max(age.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(250)));
    }

    private void tidy(int round, long everyNanos) {
        if (stopped) {
            return;
        }
        janitor.markAlive(replyTopic);
        if (round % 4 == 0) {
            janitor.sweep(replyTopic);
        }
        // not on the client's timeout scheduler, which may be the caller's: a JDK delayer thread runs it (the task
        // only starts asynchronous Admin calls)
        janitorTimer = CompletableFuture.runAsync(() -> tidy(round + 1, everyNanos),
                CompletableFuture.delayedExecutor(everyNanos, TimeUnit.NANOSECONDS));
    }

    io.kafkautility.health.Health health(String component, Map<String, Object> details) {
        return loop.health(component, Long.MAX_VALUE, details);
    }

    void stop(Duration timeout, RequestReplyException closed) {
        stopped = true;
        CompletableFuture<Void> t = janitorTimer;
        if (t != null) {
            t.cancel(false);
        }
        ready.completeExceptionally(closed);
        loop.close(timeout);
    }

    void deleteGeneratedTopic(Duration timeout) {
        if (!topicCreated) {
            return;
        }
        Admin a = admin != null ? admin : options.adminFactory().apply(new HashMap<>(options.kafkaProperties()));
        try {
            a.deleteTopics(List.of(replyTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (janitor != null) {
                janitor.forget(replyTopic).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ReplyListenerLog.LOG.warn("Could not delete generated reply topic {}: {}", replyTopic, e.toString());
        } finally {
            a.close(Duration.ofSeconds(1));
        }
    }

}

final class ReplyListenerLog {
    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplyListener.class);

    private ReplyListenerLog() {
    }
}
