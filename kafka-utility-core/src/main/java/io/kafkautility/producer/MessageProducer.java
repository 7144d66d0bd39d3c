package io.kafkautility.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageType;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends enveloped messages to Kafka, asynchronously and safely.
 *
 * <pre>{@code
 * try (KafkaClientPool pool = KafkaClientPool.create();
 *      MessageProducer producer = MessageProducer.create(pool, ProducerOptions.of(KafkaConnectionOptions.fromEnvironment().build()))) {
 *     producer.send("rag.documents", documentId, MessageTypes.DOCUMENT_UPLOADED, data)
 *             .whenComplete((result, error) -> ...);
 * }
 * }</pre>
 *
 * <p><b>What a send does.</b> The envelope is validated against the JSON Schema of its type and encoded <em>before</em>
 * anything is handed to Kafka; an invalid message never leaves the process. Then the record goes through the circuit
 * breaker of the cluster connection and the shared {@code KafkaProducer} ({@code acks=all}, idempotent).
 *
 * <p><b>Errors never throw.</b> Every outcome arrives through the returned future, which is always completed:
 * <ul>
 *   <li>{@link io.kafkautility.validation.MessageValidationException}: invalid message (never sent, never counted by
 *       the breaker);</li>
 *   <li>{@link CircuitOpenException}: the breaker is open; fails in microseconds, nothing was sent;</li>
 *   <li>{@link SendException} with a {@link DeliveryState}: {@code NOT_SENT} failures that are transient
 *       (metadata or buffer timeout within {@code max.block.ms}) were already retried with exponential backoff and
 *       jitter; {@code AMBIGUOUS} failures (delivery timeout after the record was handed to the network) are
 *       <em>never</em> re-sent by the library, since that could duplicate; {@code REJECTED} means the broker refused
 *       the record;</li>
 *   <li>{@link ProducerClosedException}: the producer or pool was closed.</li>
 * </ul>
 * Only programming errors (a {@code null} topic or envelope) throw {@link NullPointerException} at the call.
 *
 * <p><b>Blocking.</b> {@code send} returns once the record is in the Kafka producer's buffer. Like
 * {@code KafkaProducer.send}, it may block the caller up to {@code max.block.ms} (5 s by default) when the topic's
 * metadata is unknown or the buffer is full; it never blocks while the breaker is open. Futures are completed on the
 * {@linkplain ProducerOptions#completionExecutor() completion executor}, never by blocking the producer's I/O thread.
 *
 * <p>Thread-safe: share one instance per service. Ownership: the caller closes it; {@link #close()} releases this
 * user's share of the pooled {@code KafkaProducer} (the last user's close flushes and closes it, bounded by
 * {@link ProducerOptions#closeTimeout()}). Sends already handed to Kafka still complete after close.
 */
public interface MessageProducer extends AutoCloseable {

    /**
     * A producer using the pool's shared Kafka producer for these options' cluster and settings.
     *
     * @throws io.kafkautility.KafkaUtilityException if the pool is closed or the Kafka producer cannot be created
     *     (e.g. an invalid Kafka property; the message never contains secrets)
     */
    static MessageProducer create(KafkaClientPool pool, ProducerOptions options) {
        return pool.newProducer(options);
    }

    /** Validates, encodes and sends the envelope without a key (partition chosen by Kafka). */
    CompletableFuture<SendResult> send(String topic, Envelope envelope);

    /**
     * Validates, encodes and sends the envelope with a record key (same key, same partition, same order).
     *
     * @param topic    destination topic
     * @param key      record key (UTF-8), or {@code null}
     * @param envelope the message; its id is the stable message id
     */
    CompletableFuture<SendResult> send(String topic, String key, Envelope envelope);

    /**
     * Builds an envelope of the given type (with a new id, the current time and {@link ProducerOptions#source()}),
     * then sends it like {@link #send(String, String, Envelope)}.
     */
    CompletableFuture<SendResult> send(String topic, String key, MessageType type, JsonNode data);

    /**
     * Sends an already encoded record as is, through the same breaker, safe retry and metrics, without envelope
     * validation: for forwarding records (dead-letter topics, replies). The message id is taken from the
     * {@link io.kafkautility.MessageHeaders#MESSAGE_ID} header when present.
     */
    CompletableFuture<SendResult> sendRecord(ProducerRecord<byte[], byte[]> record);

    /** The name of the circuit breaker guarding this producer's cluster connection. */
    String breakerName();

    /** The breaker's current state ({@link CircuitState#DISABLED} when the breaker is off). */
    CircuitState circuitState();

    /**
     * The producer's health now, without I/O: DOWN while its circuit breaker is open (sends are refused) or it is
     * closed, DEGRADED while half-open or within 60 s of a send that failed for good, else UP; details hold the breaker
     * state and the last failure's reason and age. See {@link io.kafkautility.health.KafkaHealth}.
     */
    io.kafkautility.health.Health health();

    /**
     * Releases this user's share of the pooled Kafka producer. Idempotent. Later sends fail with
     * {@link ProducerClosedException}; sends already handed to Kafka still complete.
     */
    @Override
    void close();
}
