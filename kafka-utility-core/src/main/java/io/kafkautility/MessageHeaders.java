package io.kafkautility;

/**
 * Every Kafka header name kafka-utility writes or reads, in one place.
 *
 * <p>Values are UTF-8 strings unless noted. Header names are lowercase, prefixed {@code ku_} for the library's own
 * headers; CloudEvents-related names follow the CloudEvents Kafka protocol binding ({@code content-type}).
 * Headers never carry payloads or secrets.
 */
public final class MessageHeaders {

    private MessageHeaders() {
    }

    /** The record's content type; {@code application/cloudevents+json} for enveloped JSON messages. */
    public static final String CONTENT_TYPE = "content-type";

    /** The envelope's unique message id (CloudEvents {@code id}), for deduplication without parsing. */
    public static final String MESSAGE_ID = "ku_id";

    /** The envelope's message type (CloudEvents {@code type}), for routing without parsing. */
    public static final String MESSAGE_TYPE = "ku_type";

    /** The correlation id shared by a request and its replies, or by all events of one business flow. */
    public static final String CORRELATION_ID = "ku_correlationid";

    /** The topic a reply must be sent to (request-reply). */
    public static final String REPLY_TO = "ku_replyto";

    /** The partition of {@link #REPLY_TO} a reply must be sent to, as a decimal string (request-reply, shared reply topic). */
    public static final String REPLY_PARTITION = "ku_replypartition";

    /** The instant (epoch milliseconds, decimal string) after which a request is no longer worth processing. */
    public static final String DEADLINE = "ku_deadline";

    /** Marks a reply as an error reply (value {@code true}); the body then describes the remote error. */
    public static final String REPLY_ERROR = "ku_replyerror";

    /**
     * The code of an error reply (with {@link #REPLY_ERROR}): {@code HANDLER_FAILED}, {@code INVALID_REQUEST} or the
     * code of a {@code RequestRejectedException}; the body then holds the message meant for the requester (empty
     * unless the handler rejected the request with one). Never an exception's class or text.
     */
    public static final String REPLY_ERROR_TYPE = "ku_replyerrortype";
    /** The id of an error reply, under which the responder logged the exception. */
    public static final String REPLY_ERROR_ID = "ku_replyerrorid";

    /** Sequence number (decimal string, from 0) of a chunk in a streamed reply. */
    public static final String CHUNK_SEQUENCE = "ku_chunkseq";

    /** Marks the last chunk of a streamed reply (value {@code true}). */
    public static final String CHUNK_FINAL = "ku_chunkfinal";

    /**
     * The UI session a reply on {@code respostas} is for: lets every chat-backend instance tell its own replies without
     * decoding the Avro body (written by the LLM client; replies without it are decoded to find their session).
     */
    public static final String SESSION_ID = "ku_session";

    /** W3C trace context {@code traceparent}. */
    public static final String TRACEPARENT = "traceparent";

    // ---- dead-letter headers: replaced (not appended) when a dead-lettered record fails again ----

    /** Dead-letter reason code, e.g. {@code INVALID_JSON}, {@code SCHEMA_VIOLATION}, {@code HANDLER_FAILED}. */
    public static final String DLT_REASON = "ku_dlt_reason";

    /** Fully qualified class name of the exception that sent the record to the dead-letter topic. */
    public static final String DLT_EXCEPTION_CLASS = "ku_dlt_exception_class";

    /** The exception message, truncated, never containing the payload. */
    public static final String DLT_EXCEPTION_MESSAGE = "ku_dlt_exception_message";

    /** Topic the record was first consumed from. */
    public static final String DLT_ORIGINAL_TOPIC = "ku_dlt_original_topic";

    /** Partition (decimal string) the record was consumed from. */
    public static final String DLT_ORIGINAL_PARTITION = "ku_dlt_original_partition";

    /** Offset (decimal string) the record was consumed from. */
    public static final String DLT_ORIGINAL_OFFSET = "ku_dlt_original_offset";

    /** Timestamp (epoch milliseconds, decimal string) of the original record. */
    public static final String DLT_ORIGINAL_TIMESTAMP = "ku_dlt_original_timestamp";

    /** How many processing attempts were made (decimal string). */
    public static final String DLT_ATTEMPTS = "ku_dlt_attempts";

    /** When the record was dead-lettered (ISO-8601 instant). */
    public static final String DLT_FAILED_AT = "ku_dlt_failed_at";

    /**
     * Set only when the dead-letter record was too large for the dead-letter topic and had to be cut down: what was
     * dropped, {@code headers} (the original non-library headers) or {@code headers,value} (also the key and value).
     * The {@code ku_dlt_original_*} headers still point at the complete record in the source topic.
     */
    public static final String DLT_TRUNCATED = "ku_dlt_truncated";

    // ---- retry-topic headers (ConsumerOptions.Builder#retryTopics): replaced at each stage ----

    /** The retry stage (1-based, decimal string) the record was sent to. */
    public static final String RETRY_STAGE = "ku_retry_stage";

    /** When the record is due for its next attempt (epoch milliseconds, decimal string). */
    public static final String RETRY_DUE = "ku_retry_due";

    /** Partition (decimal string) of the record in its original topic, set at the first stage. */
    public static final String RETRY_ORIGINAL_PARTITION = "ku_retry_original_partition";

    /** Offset (decimal string) of the record in its original topic, set at the first stage. */
    public static final String RETRY_ORIGINAL_OFFSET = "ku_retry_original_offset";

    /** Class of the exception of the last failed attempt. */
    public static final String RETRY_EXCEPTION_CLASS = "ku_retry_exception_class";

    // ---- dead-letter replay ----

    /**
     * Set on a record re-published from a dead-letter topic: {@code <dead-letter topic>:<partition>:<offset>} of the
     * dead-letter record. The envelope id is kept; consumers that deduplicate treat (id, replay id) as the message.
     */
    public static final String REPLAY_ID = "ku_replay_id";

    /** When the record was re-published from the dead-letter topic (ISO-8601 instant). */
    public static final String REPLAYED_AT = "ku_replayed_at";
}
