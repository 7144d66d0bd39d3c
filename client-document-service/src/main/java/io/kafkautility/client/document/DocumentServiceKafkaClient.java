package io.kafkautility.client.document;

import io.kafkautility.consumer.ConsumerOptions;

import io.kafkautility.client.document.internal.DefaultDocumentServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The document service's Kafka client: publishes the document lifecycle events on {@code rag.documents}.
 *
 * <p>Every event is wrapped in the standard CloudEvents envelope (a fresh message id each), validated against its
 * JSON Schema before sending, and keyed by document id so all events of one document stay in order. Sends are
 * asynchronous: a returned future completes with where the record was written, or exceptionally with a
 * {@link io.kafkautility.validation.MessageValidationException} (invalid event, nothing sent), a
 * {@link io.kafkautility.producer.CircuitOpenException} (the cluster is failing; nothing sent) or a
 * {@link io.kafkautility.producer.SendException}. No method throws for those; futures always complete.
 *
 * <p>Thread-safe; create one per process and share it. The client shares the Kafka producer of the
 * {@link KafkaClientPool} it is given (or owns a private pool); {@link #close()} releases it.
 *
 * <pre>{@code
 * try (DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.fromEnvironment()) {
 *     documents.sendDocumentProcessedEvent("doc-42", DocumentStatus.SUCCESS, Map.of("pages", 12)).join();
 * }
 * }</pre>
 */
public interface DocumentServiceKafkaClient extends AutoCloseable {

    /** Default source attribute of the events ({@code document-service}). */
    String DEFAULT_SOURCE = "document-service";

    /** A client configured from the environment and {@code .env} ({@code KAFKA_BOOTSTRAP_SERVERS}, ...). */
    static DocumentServiceKafkaClient fromEnvironment() {
        return builder().connection(KafkaConnectionOptions.fromEnvironment().build()).build();
    }

    /** A builder; {@link Builder#connection} is required. */
    static Builder builder() {
        return new Builder();
    }

    /** Publishes {@code rag.document.uploaded}. */
    CompletableFuture<SendResult> sendDocumentUploadedEvent(DocumentUploadedEvent event);

    /** Publishes {@code rag.document.uploaded} for a document uploaded now. */
    default CompletableFuture<SendResult> sendDocumentUploadedEvent(String documentId, String fileName,
                                                                    String contentType, long sizeBytes) {
        return sendDocumentUploadedEvent(DocumentUploadedEvent.of(documentId, fileName, contentType, sizeBytes));
    }

    /** Publishes {@code rag.document.processed}. */
    CompletableFuture<SendResult> sendDocumentProcessedEvent(DocumentProcessedEvent event);

    /**
     * Publishes {@code rag.document.processed} with the given status and metadata, processed now. The chunk count is
     * taken from the metadata's {@code chunkCount} entry when it is a number, else 0. A {@link DocumentStatus#FAILED}
     * event needs an error: use {@link #sendDocumentProcessedEvent(DocumentProcessedEvent)} (this one fails the future
     * with a validation exception listing the missing {@code error}).
     */
    default CompletableFuture<SendResult> sendDocumentProcessedEvent(String documentId, DocumentStatus status,
                                                                     Map<String, ?> metadata) {
        Map<String, Object> copy = metadata == null ? Map.of() : Map.copyOf(metadata);
        Object chunks = copy.get("chunkCount");
        int chunkCount = chunks instanceof Number n ? n.intValue() : 0;
        return sendDocumentProcessedEvent(
                new DocumentProcessedEvent(documentId, status, copy, chunkCount, null, Instant.now(), null));
    }

    /** Publishes {@code rag.document.deleted}. */
    CompletableFuture<SendResult> sendDocumentDeletedEvent(DocumentDeletedEvent event);

    /** Publishes {@code rag.document.deleted} for a document deleted now, with an optional reason. */
    default CompletableFuture<SendResult> sendDocumentDeletedEvent(String documentId, String reason) {
        return sendDocumentDeletedEvent(new DocumentDeletedEvent(documentId, Instant.now(), null, reason));
    }

    /**
     * Subscribes {@code listener} to the document events on {@link #topic()} in consumer group {@code groupId}
     * (instances of one service share the group). Events are validated before the listener sees them; invalid ones go
     * to {@code <topic>.DLT} with reason headers. At-least-once; close the subscription (or this client) to stop.
     */
    default DocumentSubscription subscribe(String groupId, DocumentEventListener listener) {
        return subscribe(groupId, ConsumerOptions.DEFAULT_CONCURRENCY, listener);
    }

    /**
     * {@link #subscribe(String, DocumentEventListener)} with {@code concurrency} members of the group in this process
     * (see {@link io.kafkautility.consumer.ConsumerOptions#concurrency()}): the listener is then called from up to
     * {@code concurrency} threads at once, a slow or retried event holds up only its member's partitions, and the
     * events of one document (one key, one partition) still arrive in order.
     *
     * @throws io.kafkautility.config.ConfigurationException if {@code concurrency} is not between 1 and
     *     {@link io.kafkautility.consumer.ConsumerOptions#MAX_CONCURRENCY}
     */
    DocumentSubscription subscribe(String groupId, int concurrency, DocumentEventListener listener);

    /** The topic the events go to. */
    String topic();

    /** Stops every subscription and releases the producer (closing a private pool). Idempotent. */
    @Override
    void close();

    /** Builds a {@link DocumentServiceKafkaClient}. Not thread-safe. */
    final class Builder {
        private KafkaConnectionOptions connection;
        private KafkaClientPool pool;
        private String source = DEFAULT_SOURCE;
        private String topic;

        private Builder() {
        }

        /** The cluster connection (required). */
        public Builder connection(KafkaConnectionOptions connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** A pool shared with the process's other clients; by default the client owns a private one. */
        public Builder pool(KafkaClientPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** The events' CloudEvents {@code source}; {@value #DEFAULT_SOURCE} by default. */
        public Builder source(String source) {
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("source must not be blank but was '" + source + "'");
            }
            this.source = source;
            return this;
        }

        /** The topic; the catalog's {@code rag.documents} by default. */
        public Builder topic(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic must not be blank but was '" + topic + "'");
            }
            this.topic = topic;
            return this;
        }

        /** Builds the client. */
        public DocumentServiceKafkaClient build() {
            if (connection == null) {
                throw new IllegalStateException("connection is required");
            }
            return new DefaultDocumentServiceKafkaClient(connection, pool, source, topic);
        }
    }
}
