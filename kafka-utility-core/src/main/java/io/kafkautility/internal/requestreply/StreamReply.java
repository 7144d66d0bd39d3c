package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.requestreply.ReplyDecodingException;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.RequestTimeoutException;
import io.kafkautility.requestreply.StreamOverflowException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;

/**
 * A request waiting for a stream of chunks, and the subscription of its single subscriber. Chunks are re-ordered,
 * de-duplicated, buffered up to a bound and delivered as the subscriber requests them. Signals are serialized by a
 * drain loop that runs on whichever thread changed the state (reply thread, timer thread or the subscriber's own
 * {@code request} call).
 */
final class StreamReply<R> extends PendingEntry implements Flow.Subscription {

    private final DefaultRequestReplyClient<?, R> client;
    private final Flow.Subscriber<? super R> subscriber;
    private final Duration idleTimeout;
    private final Duration overallTimeout;
    private final int bufferSize;

    private final Object lock = new Object();
    private final ReorderBuffer<R> reorder;
    private final ArrayDeque<R> queue = new ArrayDeque<>();
    private long demand;
    private boolean draining;
    private boolean completed;
    private Throwable error;
    private boolean terminalSent;
    private boolean cancelled;

    private volatile long lastChunkNanos;
    private volatile TimeoutScheduler.Timeout idleTimer;
    private TimeoutScheduler scheduler;

    StreamReply(DefaultRequestReplyClient<?, R> client, String correlationId, Flow.Subscriber<? super R> subscriber,
                Duration idleTimeout, Duration overallTimeout, int bufferSize) {
        super(correlationId);
        this.client = client;
        this.subscriber = subscriber;
        this.idleTimeout = idleTimeout;
        this.overallTimeout = overallTimeout;
        this.bufferSize = bufferSize;
        this.reorder = new ReorderBuffer<>(bufferSize);
        this.lastChunkNanos = startNanos;
    }

    void startTimers(TimeoutScheduler scheduler) {
        this.scheduler = scheduler;
        timer = scheduler.schedule(() -> expire(RequestTimeoutException.Kind.OVERALL, overallTimeout),
                overallTimeout.toNanos());
        idleTimer = scheduler.schedule(this::checkIdle, idleTimeout.toNanos());
    }

    /** The idle clock measures the responder's silence: it starts when the request goes out, not before. */
    @Override
    void onSending() {
        lastChunkNanos = System.nanoTime();
    }

    private void checkIdle() {
        long since = System.nanoTime() - lastChunkNanos;
        long idle = idleTimeout.toNanos();
        if (since >= idle) {
            expire(RequestTimeoutException.Kind.IDLE, idleTimeout);
        } else if (!isFinished()) {
            try {
                idleTimer = scheduler.schedule(this::checkIdle, idle - since);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // scheduler shut down: the client is closing and fails this stream
            }
        }
    }

    private boolean isFinished() {
        synchronized (lock) {
            return completed || error != null || cancelled;
        }
    }

    private void expire(RequestTimeoutException.Kind kind, Duration timeout) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (fail(new RequestTimeoutException(correlationId, client.requestTopic, elapsed, timeout, kind),
                OUTCOME_TIMEOUT)) {
            DefaultRequestReplyClient.log.debug("Streamed reply for correlation id {} timed out ({}) after {} ms",
                    correlationId, kind, elapsed.toMillis());
        }
    }

    @Override
    void cancelTimers() {
        super.cancelTimers();
        TimeoutScheduler.Timeout t = idleTimer;
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    void onRecord(ConsumerRecord<byte[], byte[]> record) {
        if (HeaderValues.isTrue(record.headers(), MessageHeaders.REPLY_ERROR)) {
            if (!fail(SingleReply.remoteError(client.requestTopic, correlationId, record), OUTCOME_ERROR_REPLY)) {
                client.drop(correlationId, record);
            }
            return;
        }
        long seq = HeaderValues.getLong(record.headers(), MessageHeaders.CHUNK_SEQUENCE, -1);
        boolean isFinal = HeaderValues.isTrue(record.headers(), MessageHeaders.CHUNK_FINAL);
        if (seq < 0) {
            // a plain (non-chunked) reply ends the stream as its only chunk
            seq = 0;
            isFinal = true;
        }
        R payload = null;
        if (record.value() != null) {
            try {
                payload = client.replyCodec.decode(record.value());
            } catch (RuntimeException e) {
                fail(new ReplyDecodingException(correlationId, record.topic(), e), OUTCOME_DECODE_FAILED);
                return;
            }
        }
        ReorderBuffer.Result result;
        boolean overflow = false;
        boolean done;
        int buffered;
        synchronized (lock) {
            if (completed || error != null || cancelled) {
                result = null;
                done = false;
                buffered = 0;
            } else {
                lastChunkNanos = System.nanoTime();
                result = reorder.offer(seq, payload, isFinal, queue::add);
                buffered = queue.size() + reorder.heldAhead();
                if (result == ReorderBuffer.Result.OVERFLOW || buffered > bufferSize) {
                    overflow = true;
                }
                done = !overflow && reorder.isComplete();
            }
        }
        if (result == null) {
            client.drop(correlationId, record);
            return;
        }
        if (result == ReorderBuffer.Result.DUPLICATE) {
            client.metrics.dropped(PendingRequests.DropReason.DUPLICATE);
            DefaultRequestReplyClient.log.debug("Dropped duplicate chunk {} for correlation id {}", seq,
                    correlationId);
            return;
        }
        if (overflow) {
            fail(new StreamOverflowException(correlationId, client.requestTopic, buffered,
                    result == ReorderBuffer.Result.OVERFLOW ? "too many chunks ahead of a missing sequence number"
                            : "subscriber did not request chunks fast enough"), OUTCOME_OVERFLOW);
            return;
        }
        if (done && client.pending.finish(correlationId, this, PendingRequests.Outcome.REPLIED)) {
            cancelTimers();
            client.metrics.roundTrip(OUTCOME_SUCCESS, startNanos);
            synchronized (lock) {
                completed = true;
            }
        }
        drain();
    }

    @Override
    boolean fail(RequestReplyException failure, String outcome) {
        if (!client.pending.finish(correlationId, this, PendingRequests.Outcome.ABANDONED)) {
            return false;
        }
        cancelTimers();
        client.metrics.roundTrip(outcome, startNanos);
        terminate(failure);
        return true;
    }

    /** Signals {@code failure} (ahead of buffered chunks) unless a terminal signal is already decided. */
    void terminate(Throwable failure) {
        synchronized (lock) {
            if (completed || error != null || cancelled) {
                return;
            }
            error = failure;
            queue.clear();
        }
        drain();
    }

    boolean isCancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            IllegalArgumentException e = new IllegalArgumentException(
                    "Flow subscription request(n) needs n > 0 but was " + n + " (reactive-streams rule 3.9)");
            if (client.pending.finish(correlationId, this, PendingRequests.Outcome.ABANDONED)) {
                cancelTimers();
                client.metrics.roundTrip(OUTCOME_CANCELLED, startNanos);
            }
            terminate(e);
            return;
        }
        synchronized (lock) {
            long d = demand + n;
            demand = d < 0 ? Long.MAX_VALUE : d;
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            queue.clear();
        }
        if (client.pending.finish(correlationId, this, PendingRequests.Outcome.ABANDONED)) {
            cancelTimers();
            client.metrics.roundTrip(OUTCOME_CANCELLED, startNanos);
        }
    }

    private void drain() {
        synchronized (lock) {
            if (draining) {
                return;
            }
            draining = true;
        }
        for (;;) {
            R item = null;
            Throwable err = null;
            boolean complete = false;
            synchronized (lock) {
                if (cancelled || terminalSent) {
                    draining = false;
                    return;
                }
                if (error != null) {
                    terminalSent = true;
                    err = error;
                } else if (demand > 0 && !queue.isEmpty()) {
                    item = queue.poll();
                    demand--;
                } else if (queue.isEmpty() && completed) {
                    terminalSent = true;
                    complete = true;
                } else {
                    draining = false;
                    return;
                }
            }
            try {
                if (err != null) {
                    subscriber.onError(err);
                } else if (complete) {
                    subscriber.onComplete();
                } else {
                    subscriber.onNext(item);
                }
            } catch (RuntimeException e) {
                DefaultRequestReplyClient.log.warn("Subscriber of streamed reply for correlation id {} threw {}; "
                        + "cancelling the stream", correlationId, e.toString());
                synchronized (lock) {
                    draining = false;
                }
                cancel();
                return;
            }
        }
    }
}
