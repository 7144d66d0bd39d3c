package io.kafkautility.internal.requestreply;

import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.RequestSendException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The reply consumer's thread: creates a generated reply topic, assigns the reply partitions, establishes their end
 * positions (so every reply to a request sent afterwards is seen), then polls and hands each record to the client.
 */
final class ReplyListener implements Runnable {

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private final DefaultRequestReplyClient<?, ?> client;
    private final RequestReplyOptions<?, ?> options;
    private final String replyTopic;
    private final int replyPartition;
    private final boolean generatedTopic;
    private final String instanceId;
    private final TimeoutScheduler scheduler;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean topicCreated;
    /** The reply consumer's settings, built once (a recreated consumer gets the same). */
    private final Map<String, Object> consumerProperties;
    /** The next offset to read of each assigned partition (reply thread only): where a recreated consumer starts. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Backoff backoffWait = new Backoff();

    ReplyListener(DefaultRequestReplyClient<?, ?> client, RequestReplyOptions<?, ?> options, String replyTopic,
                  int replyPartition, boolean generatedTopic, String instanceId, TimeoutScheduler scheduler) {
        this.client = client;
        this.options = options;
        this.replyTopic = replyTopic;
        this.replyPartition = replyPartition;
        this.generatedTopic = generatedTopic;
        this.instanceId = instanceId;
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
        this.consumerProperties = Map.copyOf(props);
        this.thread = new Thread(this, "ku-rr-replies-" + options.clientName() + "-" + instanceId);
        this.thread.setDaemon(true);
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
        thread.start();
    }

    @Override
    public void run() {
        try {
            startup();
        } catch (Throwable t) {
            if (running) {
                ReplyListenerLog.LOG.error("Reply consumer for topic {} could not start: {}", replyTopic,
                        t.toString());
                ready.completeExceptionally(t instanceof RequestReplyException ? t
                        : new RequestSendException("Reply consumer for topic " + replyTopic + " could not start: "
                        + t, null, replyTopic, t));
                client.onListenerFailed(t);
            }
            closeConsumer();
            return;
        }
        if (!ready.complete(null)) {
            // the startup timeout fired first (requests already failed) or the client closed: stop here
            closeConsumer();
            return;
        }
        Duration backoff = Backoff.INITIAL;
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        reconnect();
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        try {
                            client.onReply(record);
                        } catch (RuntimeException e) {
                            ReplyListenerLog.LOG.warn("Handling reply at {}-{}@{} failed: {}", record.topic(),
                                    record.partition(), record.offset(), e.toString());
                        }
                        positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                    backoff = Backoff.INITIAL;
                } catch (WakeupException | InterruptException e) {
                    Thread.interrupted();
                    if (!running) {
                        break;
                    }
                } catch (RuntimeException e) { // a Kafka failure, or a bug: the loop never just dies
                    if (!running) {
                        break;
                    }
                    ReplyListenerLog.LOG.warn("Reply consumer for topic {} failed ({}: {}); recreating it in {} ms, "
                            + "from where it was (pending requests keep waiting)", replyTopic,
                            e.getClass().getSimpleName(), e.getMessage(), backoff.toMillis());
                    closeConsumer();
                    consumer = null;
                    backoffWait.await(backoff);
                    backoff = Backoff.next(backoff);
                }
            }
        } finally {
            closeConsumer();
        }
    }

    /** A new Kafka consumer on the same partitions, positioned where the failed one was. */
    private void reconnect() {
        Consumer<byte[], byte[]> c = options.consumerFactory().apply(new HashMap<>(consumerProperties));
        try {
            c.assign(positions.keySet());
            positions.forEach(c::seek);
        } catch (RuntimeException e) {
            try {
                c.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // the failure that matters is the one thrown
            }
            throw e;
        }
        consumer = c;
        ReplyListenerLog.LOG.info("Reply consumer for topic {} recreated at {}", replyTopic, positions);
    }

    private void startup() throws Exception {
        Duration timeout = options.startupTimeout();
        if (generatedTopic) {
            createTopic(timeout);
        }
        Consumer<byte[], byte[]> c = options.consumerFactory().apply(new HashMap<>(consumerProperties));
        consumer = c;
        if (!running) {
            throw new WakeupException();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        if (replyPartition >= 0) {
            partitions.add(new TopicPartition(replyTopic, replyPartition));
        } else if (generatedTopic) {
            partitions.add(new TopicPartition(replyTopic, 0));
        } else {
            List<PartitionInfo> infos = c.partitionsFor(replyTopic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new RequestSendException("Reply topic " + replyTopic + " does not exist", null, replyTopic,
                        null);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        c.assign(partitions);
        c.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp, timeout));
        }
        ReplyListenerLog.LOG.debug("Reply consumer assigned {} and positioned", partitions);
    }

    private void createTopic(Duration timeout) throws Exception {
        try (Admin admin = options.adminFactory().apply(new HashMap<>(options.kafkaProperties()))) {
            admin.createTopics(List.of(new NewTopic(replyTopic, Optional.of(1), Optional.empty())))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            topicCreated = true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RequestSendException("Could not create reply topic " + replyTopic + ": " + e.getCause(),
                        null, replyTopic, e.getCause());
            }
        }
    }

    void stop(Duration timeout, RequestReplyException closed) {
        running = false;
        backoffWait.stop();
        ready.completeExceptionally(closed);
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void deleteGeneratedTopic(Duration timeout) {
        if (!topicCreated) {
            return;
        }
        try (Admin admin = options.adminFactory().apply(new HashMap<>(options.kafkaProperties()))) {
            admin.deleteTopics(List.of(replyTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ReplyListenerLog.LOG.warn("Could not delete generated reply topic {}: {}", replyTopic, e.toString());
        }
    }

    private void closeConsumer() {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                ReplyListenerLog.LOG.debug("Closing reply consumer: {}", e.toString());
            }
        }
    }
}

final class ReplyListenerLog {
    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplyListener.class);

    private ReplyListenerLog() {
    }
}
