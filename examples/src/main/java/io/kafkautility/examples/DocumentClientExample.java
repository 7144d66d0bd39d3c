package io.kafkautility.examples;

import io.kafkautility.client.document.DocumentEventListener;
import io.kafkautility.client.document.DocumentProcessedEvent;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentStatus;
import io.kafkautility.client.document.DocumentSubscription;
import java.util.Map;

/**
 * The document service's use of the library, as a user would copy it. Needs {@code KAFKA_BOOTSTRAP_SERVERS} (or a
 * {@code .env}) and the topic {@code rag.documents}.
 */
public final class DocumentClientExample {

    private DocumentClientExample() {
    }

    public static void main(String[] args) throws Exception {
        try (DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.fromEnvironment()) {
            // another service (say, the indexer) reacts to processed documents
            DocumentSubscription indexer = documents.subscribe("indexer", new DocumentEventListener() {
                @Override
                public void onProcessed(DocumentProcessedEvent event, Meta meta) {
                    System.out.println("index " + event.documentId() + " (" + event.chunkCount() + " chunks)");
                }
            });
            indexer.ready().join();
            documents.sendDocumentUploadedEvent("doc-42", "manual.pdf", "application/pdf", 123_456).join();
            var sent = documents.sendDocumentProcessedEvent("doc-42", DocumentStatus.SUCCESS,
                    Map.of("pages", 12, "chunkCount", 30)).join();
            System.out.println("processed event written to " + sent.topic() + "-" + sent.partition() + "@"
                    + sent.offset() + " as message " + sent.messageId().orElse("?"));
        }
    }
}
