package io.kafkautility.internal.requestreply;

import io.kafkautility.metrics.MetricNames;

/**
 * Short aliases of the request-reply names in {@link MetricNames} (the one place names are defined) plus the bounded
 * tag values request-reply uses.
 */
public final class RequestReplyMetricNames {

    private RequestReplyMetricNames() {
    }

    /** Gauge: requests and streams waiting for replies. Tag {@code client}. */
    public static final String PENDING = MetricNames.REQUEST_REPLY_PENDING;
    /** Timer: request to completion. Tags {@code client}, {@code outcome}. */
    public static final String ROUND_TRIP = MetricNames.REQUEST_REPLY_ROUND_TRIP;
    /** Counter: requests (or streams) that timed out. Tag {@code client}. */
    public static final String TIMEOUTS = MetricNames.REQUEST_REPLY_TIMEOUTS;
    /** Counter: replies dropped. Tags {@code client}, {@code reason} (late, duplicate, unknown). */
    public static final String REPLIES_DROPPED = MetricNames.REQUEST_REPLY_DROPPED;
    /** Counter: requests rejected because the pending map was full. Tag {@code client}. */
    public static final String REJECTED = MetricNames.REQUEST_REPLY_REJECTED;
    /** Counter: requests seen by a responder. Tags {@code client}, {@code outcome}. */
    public static final String RESPONDER_REQUESTS = MetricNames.RESPONDER_REQUESTS;
    /** Gauge: requests a responder is handling or whose replies are not yet acknowledged. Tag {@code client}. */
    public static final String RESPONDER_IN_FLIGHT = MetricNames.RESPONDER_IN_FLIGHT;
    /** Counter: requests dead-lettered by a responder. Tags {@code client}, {@code reason}. */
    public static final String RESPONDER_DEAD_LETTERS = MetricNames.RESPONDER_DEAD_LETTERS;

    public static final String TAG_CLIENT = MetricNames.TAG_CLIENT;
    public static final String TAG_OUTCOME = MetricNames.TAG_OUTCOME;
    public static final String TAG_REASON = MetricNames.TAG_REASON;

    public static final String OUTCOME_SUCCESS = MetricNames.OUTCOME_SUCCESS;
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
    public static final String RESPONDER_REPLY_FAILED = "reply_failed";
    public static final String RESPONDER_DEAD_LETTERED = "dead_lettered";
}
