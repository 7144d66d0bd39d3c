package io.kafkautility.internal.requestreply;

/**
 * Metric names and tags of request-reply. Kept here until the shared metric-names class lands in
 * {@code io.kafkautility.metrics}; every name is lowercase, dot-separated, under {@code kafka.utility}.
 */
public final class RequestReplyMetricNames {

    private RequestReplyMetricNames() {
    }

    /** Gauge: requests and streams waiting for replies. Tag {@code client}. */
    public static final String PENDING = "kafka.utility.requestreply.pending";
    /** Timer: request to completion. Tags {@code client}, {@code outcome}. */
    public static final String ROUND_TRIP = "kafka.utility.requestreply.roundtrip";
    /** Counter: requests (or streams) that timed out. Tag {@code client}. */
    public static final String TIMEOUTS = "kafka.utility.requestreply.timeouts";
    /** Counter: replies dropped. Tags {@code client}, {@code reason} (late, duplicate, unknown). */
    public static final String REPLIES_DROPPED = "kafka.utility.requestreply.replies.dropped";
    /** Counter: requests rejected because the pending map was full. Tag {@code client}. */
    public static final String REJECTED = "kafka.utility.requestreply.rejected";
    /** Counter: requests seen by a responder. Tags {@code client}, {@code outcome}. */
    public static final String RESPONDER_REQUESTS = "kafka.utility.requestreply.responder.requests";
    /** Gauge: requests a responder is handling or whose replies are not yet acknowledged. Tag {@code client}. */
    public static final String RESPONDER_IN_FLIGHT = "kafka.utility.requestreply.responder.inflight";

    public static final String TAG_CLIENT = "client";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";

    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_ERROR_REPLY = "error_reply";
    public static final String OUTCOME_TIMEOUT = "timeout";
    public static final String OUTCOME_CLOSED = "closed";
    public static final String OUTCOME_SEND_FAILED = "send_failed";
    public static final String OUTCOME_DECODE_FAILED = "decode_failed";
    public static final String OUTCOME_CANCELLED = "cancelled";
    public static final String OUTCOME_OVERFLOW = "overflow";

    public static final String RESPONDER_REPLIED = "replied";
    public static final String RESPONDER_ERROR_REPLIED = "error_replied";
    public static final String RESPONDER_EXPIRED = "expired";
    public static final String RESPONDER_INVALID = "invalid";
    public static final String RESPONDER_REPLY_FAILED = "reply_failed";
}
