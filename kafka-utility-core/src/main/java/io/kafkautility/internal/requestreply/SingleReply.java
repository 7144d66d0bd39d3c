package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.requestreply.RemoteReplyException;
import io.kafkautility.requestreply.ReplyDecodingException;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.RequestTimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;

/** A request waiting for exactly one reply. */
final class SingleReply<R> extends PendingEntry {

    private final DefaultRequestReplyClient<?, R> client;
    private final Duration timeout;
    final ReplyFuture future = new ReplyFuture();

    SingleReply(DefaultRequestReplyClient<?, R> client, String correlationId, Duration timeout) {
        super(correlationId);
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    void onRecord(ConsumerRecord<byte[], byte[]> record) {
        if (!client.pending.finish(correlationId, this, PendingRequests.Outcome.REPLIED)) {
            client.drop(correlationId, record);
            return;
        }
        cancelTimers();
        if (HeaderValues.isTrue(record.headers(), MessageHeaders.REPLY_ERROR)) {
            client.metrics.roundTrip(OUTCOME_ERROR_REPLY, startNanos);
            future.deliverFailure(remoteError(client.requestTopic, correlationId, record));
            return;
        }
        R value;
        try {
            value = record.value() == null ? null : client.replyCodec.decode(record.value());
        } catch (RuntimeException e) {
            client.metrics.roundTrip(OUTCOME_DECODE_FAILED, startNanos);
            future.deliverFailure(new ReplyDecodingException(correlationId, record.topic(), e));
            return;
        }
        client.metrics.roundTrip(OUTCOME_SUCCESS, startNanos);
        future.deliver(value);
    }

    static RemoteReplyException remoteError(String requestTopic, String correlationId,
                                            ConsumerRecord<byte[], byte[]> record) {
        String type = HeaderValues.get(record.headers(), MessageHeaders.REPLY_ERROR_TYPE);
        String message = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        String errorId = HeaderValues.get(record.headers(), MessageHeaders.REPLY_ERROR_ID);
        return new RemoteReplyException(correlationId, requestTopic, type == null ? "unknown" : HeaderValues.truncate(type, 64),
                HeaderValues.truncate(message, 1000), errorId == null ? null : HeaderValues.truncate(errorId, 64));
    }

    void expire() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (fail(new RequestTimeoutException(correlationId, client.requestTopic, elapsed, timeout,
                RequestTimeoutException.Kind.OVERALL), OUTCOME_TIMEOUT)) {
            DefaultRequestReplyClient.log.debug("Request with correlation id {} to topic {} timed out after {} ms",
                    correlationId, client.requestTopic, elapsed.toMillis());
        }
    }

    @Override
    boolean fail(RequestReplyException error, String outcome) {
        if (!client.pending.finish(correlationId, this, PendingRequests.Outcome.ABANDONED)) {
            return false;
        }
        cancelTimers();
        client.metrics.roundTrip(outcome, startNanos);
        future.deliverFailure(error);
        return true;
    }

    /** The future handed to the caller: cancelling it removes the pending entry and its timer. */
    final class ReplyFuture extends CompletableFuture<R> {

        /**
         * Completes on the client's completion executor, never on the thread that called (the reply consumer's loop,
         * a producer I/O thread, a timer): a caller's callback that blocks holds up only itself. Called once (the
         * pending map has one winner).
         */
        void deliver(R value) {
            dispatch(() -> super.complete(value));
        }

        void deliverFailure(Throwable error) {
            dispatch(() -> super.completeExceptionally(error));
        }

        private void dispatch(Runnable completion) {
            try {
                client.completionExecutor.execute(completion);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                completion.run(); // the executor was shut down: complete here rather than never
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && client.pending.finish(correlationId, SingleReply.this,
                    PendingRequests.Outcome.ABANDONED)) {
                cancelTimers();
                client.metrics.roundTrip(OUTCOME_CANCELLED, startNanos);
            }
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
