package io.kafkautility.response;

/**
 * Metric names and tags of the response consumer and the WebSocket session manager (lowercase, under
 * {@code kafka.utility}). No session, question or message ids are ever tags. To be moved into the shared metric-names
 * class of {@code io.kafkautility.metrics} once it exists.
 */
public final class ResponseMetricNames {

    private ResponseMetricNames() {
    }

    /** Counter: records consumed from the reply topic (its rate is the processing rate). */
    public static final String RECORDS = "kafka.utility.response.records";
    /** Counter: invalid records skipped. Tag {@link #TAG_REASON}: one of the decoding reasons or {@code listener_failed}. */
    public static final String INVALID = "kafka.utility.response.invalid";
    /** Counter: Kafka errors of the poll loop, retried with backoff. Tag {@link #TAG_KIND}: {@code poll}, {@code commit}. */
    public static final String CONSUMER_ERRORS = "kafka.utility.response.consumer.errors";
    /** Counter: WebSocket deliveries of answers. Tag {@link #TAG_OUTCOME}: success, failed, timeout, buffer_full, closed. */
    public static final String DELIVERIES = "kafka.utility.response.deliveries";
    /** Counter: replies dropped before delivery. Tag {@link #TAG_REASON}: unknown_session, stale. */
    public static final String DROPPED = "kafka.utility.response.dropped";
    /** Counter: questions. Tag {@link #TAG_OUTCOME}: accepted, rejected_pending, rejected_unknown_session, timed_out, failed. */
    public static final String QUESTIONS = "kafka.utility.response.questions";
    /** Gauge: open sessions. */
    public static final String SESSIONS = "kafka.utility.response.sessions";
    /** Gauge: sessions waiting for an answer. */
    public static final String SESSIONS_WAITING = "kafka.utility.response.sessions.waiting";
    /** Timer: Kafka record timestamp to the WebSocket send completing (successful deliveries). */
    public static final String LATENCY = "kafka.utility.response.latency";

    public static final String TAG_REASON = "reason";
    public static final String TAG_KIND = "kind";
    public static final String TAG_OUTCOME = "outcome";
}
