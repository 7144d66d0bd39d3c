package io.kafkautility.client.document.internal;

import io.kafkautility.client.document.DocumentDeletedEvent;
import io.kafkautility.client.document.DocumentEventListener;
import io.kafkautility.client.document.DocumentSubscription;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.message.Envelope;
import io.kafkautility.client.document.DocumentProcessedEvent;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentUploadedEvent;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.client.TypedPublisher;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import java.util.concurrent.CompletableFuture;

/** The {@link DocumentServiceKafkaClient} on top of core's producer. */
public final class DefaultDocumentServiceKafkaClient implements DocumentServiceKafkaClient {

    private final KafkaConnectionOptions connection;
    private final TypedPublisher publisher;
    private final String topic;
    private final java.util.Set<DocumentSubscription> subscriptions =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DefaultDocumentServiceKafkaClient(KafkaConnectionOptions connection, KafkaClientPool pool, String source,
                                             String topic) {
        this.connection = connection;
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
    public DocumentSubscription subscribe(String groupId, int concurrency, DocumentEventListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection, groupId, topic)
                .pool(publisher.pool())
                .concurrency(concurrency)
                .name(publisher.source() + "-" + groupId)
                .handler(MessageTypes.DOCUMENT_UPLOADED.name(), (m, ctx) -> listener.onUploaded(
                        publisher.read(m, MessageTypes.DOCUMENT_UPLOADED.name(), DocumentUploadedEvent.class),
                        meta(m, ctx)))
                .handler(MessageTypes.DOCUMENT_PROCESSED.name(), (m, ctx) -> listener.onProcessed(
                        publisher.read(m, MessageTypes.DOCUMENT_PROCESSED.name(), DocumentProcessedEvent.class),
                        meta(m, ctx)))
                .handler(MessageTypes.DOCUMENT_DELETED.name(), (m, ctx) -> listener.onDeleted(
                        publisher.read(m, MessageTypes.DOCUMENT_DELETED.name(), DocumentDeletedEvent.class),
                        meta(m, ctx)))
                .build());
        DocumentSubscription subscription = new DocumentSubscription() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> ready() {
                return consumer.ready();
            }

            @Override
            public long completedCount() {
                return consumer.completedCount();
            }

            @Override
            public void close() {
                subscriptions.remove(this);
                consumer.close();
            }
        };
        subscriptions.add(subscription);
        consumer.start();
        return subscription;
    }

    private static DocumentEventListener.Meta meta(Envelope m, MessageContext ctx) {
        return new DocumentEventListener.Meta(m.id(), m.source(), m.time().orElse(null), ctx.attempt());
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        try {
            for (DocumentSubscription subscription : java.util.List.copyOf(subscriptions)) {
                subscription.close();
            }
        } finally {
            publisher.close();
        }
    }
}
