package io.kafkautility.client.document;

/**
 * Receives the document events a service subscribes to with
 * {@link DocumentServiceKafkaClient#subscribe(String, DocumentEventListener)}. Every method defaults to doing
 * nothing; override those of interest.
 *
 * <p>Called on the subscription's worker thread, one event at a time, in order per document. Returning marks the event
 * processed (its offset may be committed); throwing retries it with backoff, then sends it to the dead-letter topic.
 * Delivery is at-least-once: use {@link DocumentEventListener.Meta#messageId()} to deduplicate.
 */
public interface DocumentEventListener {

    /** Where an event came from. */
    record Meta(String messageId, String source, java.time.Instant time, int attempt) {
    }

    /** A document was uploaded. */
    default void onUploaded(DocumentUploadedEvent event, Meta meta) throws Exception {
    }

    /** A document was processed. */
    default void onProcessed(DocumentProcessedEvent event, Meta meta) throws Exception {
    }

    /** A document was deleted. */
    default void onDeleted(DocumentDeletedEvent event, Meta meta) throws Exception {
    }
}
