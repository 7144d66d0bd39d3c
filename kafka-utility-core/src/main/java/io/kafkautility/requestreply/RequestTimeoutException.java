package io.kafkautility.requestreply;

import java.time.Duration;

/**
 * No reply (or, for a stream, no next chunk / no final chunk) arrived in time.
 *
 * <p>The pending entry and its timer are already removed when a future completes with this; a reply arriving later is
 * dropped and counted as late. Not retriable by the library: the request may have been processed, re-sending it is
 * the caller's decision.
 */
public class RequestTimeoutException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    /** Which timeout expired. */
    public enum Kind {
        /** The whole request (or the whole stream) took longer than its timeout. */
        OVERALL,
        /** A stream went longer than its idle timeout without a new chunk. */
        IDLE
    }

    private final Duration elapsed;
    private final Duration timeout;
    private final Kind kind;

    public RequestTimeoutException(String correlationId, String topic, Duration elapsed, Duration timeout, Kind kind) {
        super((kind == Kind.IDLE ? "No reply chunk" : "No reply") + " for correlation id " + correlationId
                + " on request topic " + topic + " after " + elapsed.toMillis() + " ms ("
                + (kind == Kind.IDLE ? "idle timeout " : "timeout ") + timeout.toMillis() + " ms)",
                correlationId, topic);
        this.elapsed = elapsed;
        this.timeout = timeout;
        this.kind = kind;
    }

    /** @return time from the request call to the expiry */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the timeout that expired */
    public Duration timeout() {
        return timeout;
    }

    /** @return whether the overall or the idle (between chunks) timeout expired */
    public Kind kind() {
        return kind;
    }
}
