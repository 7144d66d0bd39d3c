package io.kafkautility.client.document.internal;

import io.kafkautility.client.document.DocumentDeletedEvent;
import io.kafkautility.client.document.DocumentProcessedEvent;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentUploadedEvent;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.client.TypedPublisher;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import java.util.concurrent.CompletableFuture;

/** The {@link DocumentServiceKafkaClient} on top of core's producer. */
public final class DefaultDocumentServiceKafkaClient implements DocumentServiceKafkaClient {

    private final TypedPublisher publisher;
    private final String topic;

    public DefaultDocumentServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool, String source,
                                             String topic) {
        this.publisher = new TypedPublisher(connection, pool, source);
        this.topic = topic != null ? topic : publisher.topicOf(MessageTypes.DOCUMENT_PROCESSED.name());
    }

    @Override
    public CompletableFuture<SendResult> sendDocumentUploadedEvent(DocumentUploadedEvent event) {
        return publisher.publish(topic, MessageTypes.DOCUMENT_UPLOADED.name(), event);
    }

    @Override
    public CompletableFuture<SendResult> sendDocumentProcessedEvent(DocumentProcessedEvent event) {
        return publisher.publish(topic, MessageTypes.DOCUMENT_PROCESSED.name(), event);
    }

    @Override
    public CompletableFuture<SendResult> sendDocumentDeletedEvent(DocumentDeletedEvent event) {
        return publisher.publish(topic, MessageTypes.DOCUMENT_DELETED.name(), event);
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        publisher.close();
    }
}
