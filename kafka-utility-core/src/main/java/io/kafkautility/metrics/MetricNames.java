package io.kafkautility.metrics;

/**
 * Every metric name and tag key kafka-utility registers, in one place.
 *
 * <p>Names are lowercase, dot-separated, under {@value #PREFIX}; Prometheus renders them with underscores (and a
 * {@code _total} / {@code _seconds} suffix for counters / timers). Tags never carry ids (message, correlation,
 * session) or secrets: only bounded values such as topic, message type, outcome, reason and breaker name.
 */
public final class MetricNames {

    private MetricNames() {
    }

    /** Common prefix of every kafka-utility metric. */
    public static final String PREFIX = "kafka.utility.";

    // ---- tag keys ----

    /** Tag: the topic. */
    public static final String TAG_TOPIC = "topic";
    /** Tag: the envelope's message type (e.g. {@code document.ingest.requested}). */
    public static final String TAG_TYPE = "type";
    /** Tag: {@code success} or {@code failure}. */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag: a bounded reason code (e.g. {@code CIRCUIT_OPEN}, {@code TIMEOUT}, {@code VALIDATION}). */
    public static final String TAG_REASON = "reason";
    /** Tag: the circuit breaker's name (one per cluster connection). */
    public static final String TAG_BREAKER = "breaker";
    /** Tag: the circuit breaker state ({@code closed}, {@code open}, {@code half_open}, ...). */
    public static final String TAG_STATE = "state";
    /** Tag: the client (pool) name, to tell several pools in one process apart. */
    public static final String TAG_CLIENT = "client";

    /** Outcome tag value for a success. */
    public static final String OUTCOME_SUCCESS = "success";
    /** Outcome tag value for a failure. */
    public static final String OUTCOME_FAILURE = "failure";

    // ---- producer ----

    /** Counter: messages acknowledged by the broker. Tags: topic, type. */
    public static final String MESSAGES_SENT = PREFIX + "messages.sent";
    /** Counter: sends that failed (the caller's future failed). Tags: topic, type, reason. */
    public static final String MESSAGES_SEND_FAILED = PREFIX + "messages.send.failed";
    /** Timer: from {@code send()} to the broker's acknowledgement (or failure). Tags: topic, outcome. */
    public static final String SEND_LATENCY = PREFIX + "send.latency";
    /** Counter: re-attempts of a send that certainly did not reach the broker. Tags: topic. */
    public static final String SEND_RETRIES = PREFIX + "send.retries";

    // ---- validation (producer and consumer) ----

    /** Counter: messages rejected by envelope or schema validation. Tags: topic, type, reason. */
    public static final String VALIDATION_FAILURES = PREFIX + "validation.failures";

    // ---- circuit breaker ----

    /** Gauge: 1 for the breaker's current state, 0 for the others. Tags: breaker, state. */
    public static final String CIRCUIT_STATE = PREFIX + "circuit.state";
    /** Counter: breaker state transitions. Tags: breaker, state (the new state). */
    public static final String CIRCUIT_TRANSITIONS = PREFIX + "circuit.transitions";
    /** Counter: calls rejected because the breaker was open. Tags: breaker. */
    public static final String CIRCUIT_REJECTED = PREFIX + "circuit.rejected";

    // ---- consumer (names added by the consumer) ----

    // ---- request-reply (names added by request-reply) ----

    /** Gauge: requests and streams of a request-reply client waiting for replies. Tags: client. */
    public static final String REQUEST_REPLY_PENDING = PREFIX + "requestreply.pending";
    /**
     * Timer: request to completion. Tags: client, outcome ({@code success}, {@code error_reply}, {@code timeout},
     * {@code closed}, {@code send_failed}, {@code decode_failed}, {@code cancelled}, {@code overflow}).
     */
    public static final String REQUEST_REPLY_ROUND_TRIP = PREFIX + "requestreply.roundtrip";
    /** Counter: requests (or streams) that timed out. Tags: client. */
    public static final String REQUEST_REPLY_TIMEOUTS = PREFIX + "requestreply.timeouts";
    /** Counter: replies dropped. Tags: client, reason ({@code late}, {@code duplicate}, {@code unknown}). */
    public static final String REQUEST_REPLY_DROPPED = PREFIX + "requestreply.replies.dropped";
    /** Counter: requests rejected because the pending map was full. Tags: client. */
    public static final String REQUEST_REPLY_REJECTED = PREFIX + "requestreply.rejected";
    /**
     * Counter: requests a responder finished, each once. Tags: client, outcome ({@code replied},
     * {@code error_replied}, {@code expired}, {@code reply_failed} (the reply's send failed), {@code dead_lettered}).
     */
    public static final String RESPONDER_REQUESTS = PREFIX + "requestreply.responder.requests";
    /**
     * Counter: requests a responder dead-lettered. Tags: client, reason (the {@code ku_dlt_reason}, e.g.
     * {@code INVALID_REPLY_HEADERS}, {@code REPLY_TOPIC_NOT_ALLOWED}).
     */
    public static final String RESPONDER_DEAD_LETTERS = PREFIX + "requestreply.responder.dead.letters";
    /** Gauge: requests a responder is handling or whose replies are not yet acknowledged. Tags: client. */
    public static final String RESPONDER_IN_FLIGHT = PREFIX + "requestreply.responder.inflight";

    /** Counter: answers the LLM service stopped generating because the user cancelled the question. */
    public static final String LLM_CANCELLED = PREFIX + "llm.cancelled";

    // ---- response consumer: UI replies from Kafka to WebSocket sessions ----

    /** Counter: reply records consumed (its rate is the processing rate). */
    public static final String RESPONSE_RECORDS = PREFIX + "response.records";
    /**
     * Counter: invalid reply records skipped. Tags: reason ({@code null_value}, {@code empty}, {@code wrong_magic_byte},
     * {@code truncated}, {@code unknown_schema_id}, {@code registry_unavailable}, {@code undecodable},
     * {@code incompatible_schema}, {@code invalid_field}, {@code listener_failed}).
     */
    public static final String RESPONSE_INVALID = PREFIX + "response.invalid";
    /** Counter: Kafka errors of the response consumer's poll loop, retried with backoff. Tags: reason (poll, commit). */
    public static final String RESPONSE_CONSUMER_ERRORS = PREFIX + "response.consumer.errors";
    /** Counter: WebSocket deliveries of answers. Tags: outcome (success, failed, timeout, buffer_full, closed). */
    public static final String RESPONSE_DELIVERIES = PREFIX + "response.deliveries";
    /**
     * Counter: replies dropped before delivery. Tags: reason ({@code unknown_session}, {@code stale},
     * {@code not_held}: a session this instance does not hold, told by its {@code ku_session} header and not decoded,
     * {@code not_held_decoded}: the same, found only by decoding (no header), {@code duplicate}: a stream record
     * already delivered, {@code cancelled}: of a question the user stopped).
     */
    public static final String RESPONSE_DROPPED = PREFIX + "response.dropped";
    /** Gauge: bytes of replies kept for sessions that reconnect (broadcast mode; at most resumeBufferBytes). */
    public static final String RESPONSE_RESUME_BUFFER_BYTES = PREFIX + "response.resume.buffer.bytes";
    /** Gauge: reply records kept for sessions that reconnect. */
    public static final String RESPONSE_RESUME_BUFFER_RECORDS = PREFIX + "response.resume.buffer.records";
    /** Counter: replies let go of the resume buffer before their window ended. Tags: reason ({@code bytes}). */
    public static final String RESPONSE_RESUME_EVICTED = PREFIX + "response.resume.evicted";
    /** Counter: replies handed to sessions again after they reconnected. */
    public static final String RESPONSE_RESUME_REPLAYED = PREFIX + "response.resume.replayed";
    /** Timer (histogram): question accepted to its first delta sent to the browser. */
    public static final String RESPONSE_TIME_TO_FIRST_TOKEN = PREFIX + "response.time.to.first.token";
    /** Timer (histogram): question accepted to its final answer sent to the browser. */
    public static final String RESPONSE_QUESTION_LATENCY = PREFIX + "response.question.latency";
    /** Distribution summary: frames sent to the browser per answered question (deltas and the final one). */
    public static final String RESPONSE_FRAMES_PER_QUESTION = PREFIX + "response.frames.per.question";
    /**
     * Counter: questions by outcome. Tags: outcome (accepted, rejected_pending, rejected_unknown_session, timed_out,
     * failed).
     */
    public static final String RESPONSE_QUESTIONS = PREFIX + "response.questions";
    /** Gauge: open WebSocket sessions. */
    public static final String RESPONSE_SESSIONS = PREFIX + "response.sessions";
    /** Gauge: WebSocket sessions waiting for an answer. */
    public static final String RESPONSE_SESSIONS_WAITING = PREFIX + "response.sessions.waiting";
    /** Timer: from the reply's Kafka record timestamp to its WebSocket send completing. */
    public static final String RESPONSE_LATENCY = PREFIX + "response.latency";

    // ---- the chat backend's browser side (response-consumer's ChatWebSocket) ----

    /**
     * Counter: handshakes and session tokens refused. Tags: reason ({@code origin}: an origin not allowed, 403;
     * {@code unauthenticated}: the authenticator refused the handshake, 401; {@code malformed}, {@code bad_mac},
     * {@code expired}: a token that names no session, so its page got a fresh one; {@code other_principal}: a valid
     * token presented by a connection of another principal, refused).
     */
    public static final String RESPONSE_SECURITY_REFUSED = PREFIX + "response.security.refused";
    /**
     * Counter: sessions taken over by a new connection with their token (the old connection was closed with 4001).
     * Tags: where ({@code local}: both on this instance; {@code other_instance}: the new one is on another instance).
     */
    public static final String RESPONSE_SESSION_TAKEOVERS = PREFIX + "response.session.takeovers";
    /**
     * Counter: frames from pages refused. Tags: reason ({@code bad_frame}: not JSON, an unknown type or a bad field;
     * {@code hello_expected}: a first frame that is not {@code hello}; {@code rate_limited}: over the frame rate).
     */
    public static final String RESPONSE_FRAMES_REFUSED = PREFIX + "response.frames.refused";
    /** Counter: connections closed for exceeding the frame rate again and again (close code 4008). */
    public static final String RESPONSE_RATE_LIMITED_CLOSES = PREFIX + "response.connections.rate.limited";

    // ---- consumer (io.kafkautility.consumer) ----

    /**
     * Records the consumer read with a value and decoded (valid or not), tags topic, type ({@code unknown} when the
     * record was rejected; otherwise a catalog type, so bounded).
     */
    public static final String CONSUMER_CONSUMED = PREFIX + "consumer.consumed";

    /** Records the consumer finished, tags topic, type, outcome ({@code processed}, {@code dead_lettered}, {@code duplicate}). */
    public static final String CONSUMER_RECORDS = PREFIX + "consumer.records";

    /** Records sent to a dead-letter topic, tags topic, reason. */
    public static final String CONSUMER_DEAD_LETTERED = PREFIX + "consumer.dead.lettered";

    /** Records that failed decoding or validation on consume, tags topic, reason. */
    public static final String CONSUMER_VALIDATION_FAILURES = PREFIX + "consumer.validation.failures";

    /** Handler time of processed records (all attempts), tags topic, type. */
    public static final String CONSUMER_PROCESSING_LATENCY = PREFIX + "consumer.processing.latency";

    /** Time from the envelope's {@code time} to the end of processing, tags topic, type. */
    public static final String CONSUMER_END_TO_END_LATENCY = PREFIX + "consumer.end.to.end.latency";

    /** Handler attempts that failed and were retried, tags topic, type. */
    public static final String CONSUMER_RETRIES = PREFIX + "consumer.retries";

    /** Dead-letter publishes that failed and were retried (the record's offset is held back), tags topic. */
    public static final String CONSUMER_DEAD_LETTER_FAILURES = PREFIX + "consumer.dead.letter.failures";

    /** Kafka consumers recreated after a fatal error, tag client. */
    public static final String CONSUMER_RECONNECTS = PREFIX + "consumer.reconnects";

    /**
     * Ids a {@link io.kafkautility.consumer.ProcessedIds#kafkaTopic shared processed-ids store} could not write to its
     * topic (remembered by that process only, so another member may run their records again), tag topic.
     */
    public static final String PROCESSED_IDS_WRITE_FAILURES = PREFIX + "consumer.processed.ids.write.failures";

    /** Records on a processed-ids topic that were not ids (no key, or too long a key) and were skipped, tag topic. */
    public static final String PROCESSED_IDS_SKIPPED = PREFIX + "consumer.processed.ids.skipped";
}
