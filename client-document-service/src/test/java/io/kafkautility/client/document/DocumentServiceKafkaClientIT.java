package io.kafkautility.client.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every public method of {@link DocumentServiceKafkaClient} against a real broker. */
@KafkaTest
class DocumentServiceKafkaClientIT {

    private final MessageValidator validator = MessageValidator.create();

    @Test
    void everySendMethodPublishesAValidEnvelopedEventKeyedByDocumentId(KafkaCluster cluster) {
        String topic = TopicNames.unique("documents");
        cluster.createTopic(topic, 3, (short) 1);
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        List<SendResult> results = new ArrayList<>();
        try (KafkaClientPool pool = KafkaClientPool.create();
             DocumentServiceKafkaClient client = DocumentServiceKafkaClient.builder()
                     .connection(connection).pool(pool).topic(topic).build()) {
            assertThat(client.topic()).isEqualTo(topic);
            results.add(client.sendDocumentUploadedEvent("doc-1", "a.pdf", "application/pdf", 1234).join());
            results.add(client.sendDocumentUploadedEvent(new DocumentUploadedEvent("doc-2", "b.txt", "text/plain", 5,
                    "s3://bucket/b.txt", "alice", Instant.now(), Map.of("lang", "pt"))).join());
            results.add(client.sendDocumentProcessedEvent("doc-1", DocumentStatus.SUCCESS,
                    Map.of("pages", 12, "chunkCount", 7)).join());
            results.add(client.sendDocumentProcessedEvent(new DocumentProcessedEvent("doc-2", DocumentStatus.FAILED,
                    Map.of(), 0, new DocumentError("PARSE_ERROR", "not a PDF", false), Instant.now(), 15L)).join());
            results.add(client.sendDocumentDeletedEvent("doc-1", "user request").join());
            results.add(client.sendDocumentDeletedEvent(new DocumentDeletedEvent("doc-2", Instant.now(), "bob", null))
                    .join());
            assertThat(pool.sharedProducerCount()).isEqualTo(1);
        }
        assertThat(results).allSatisfy(r -> assertThat(r.topic()).isEqualTo(topic));
        assertThat(results).extracting(r -> r.messageId().orElseThrow()).doesNotHaveDuplicates();

        List<ConsumerRecord<byte[], byte[]>> records = readAll(cluster, topic, 6);
        List<Envelope> envelopes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            DecodeResult decoded = validator.decode(record.value(), EnvelopeCodec.headerMap(record.headers()));
            assertThat(decoded.isValid()).as("%s", decoded).isTrue();
            Envelope envelope = decoded.envelope();
            assertThat(new String(record.key())).isEqualTo(envelope.data().get("documentId").asText());
            assertThat(envelope.source()).isEqualTo(DocumentServiceKafkaClient.DEFAULT_SOURCE);
            envelopes.add(envelope);
        }
        assertThat(envelopes).extracting(Envelope::type).containsExactlyInAnyOrder(
                "rag.document.uploaded", "rag.document.uploaded", "rag.document.processed",
                "rag.document.processed", "rag.document.deleted", "rag.document.deleted");
        Envelope processed = envelopes.stream().filter(e -> e.type().equals("rag.document.processed")
                && e.data().get("documentId").asText().equals("doc-1")).findFirst().orElseThrow();
        assertThat(processed.data().get("status").asText()).isEqualTo("success");
        assertThat(processed.data().get("chunkCount").asInt()).isEqualTo(7);
        assertThat(processed.data().get("metadata").get("pages").asInt()).isEqualTo(12);
    }

    @Test
    void anInvalidEventFailsTheFutureListingTheViolationAndSendsNothing(KafkaCluster cluster) {
        String topic = TopicNames.unique("documents-invalid");
        cluster.createTopic(topic, 1, (short) 1);
        try (DocumentServiceKafkaClient client = DocumentServiceKafkaClient.builder()
                .connection(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build())
                .topic(topic).build()) {
            // FAILED without an error violates the schema's if/then rule.
            assertThatThrownBy(() -> client.sendDocumentProcessedEvent("doc-9", DocumentStatus.FAILED, Map.of())
                    .join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(MessageValidationException.class)
                    .cause().hasMessageContaining("error");
            // a good one afterwards still goes through, and it is the only record on the topic
            client.sendDocumentDeletedEvent("doc-9", null).join();
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(cluster, topic, 1);
        assertThat(records).hasSize(1);
    }

    @Test
    void aSubscriptionReceivesTypedEventsInOrderPerDocument(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("documents-sub");
        cluster.createTopic(topic, 2, (short) 1);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (DocumentServiceKafkaClient client = DocumentServiceKafkaClient.builder()
                .connection(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build())
                .topic(topic).build()) {
            DocumentSubscription subscription = client.subscribe(TopicNames.unique("indexer"),
                    new DocumentEventListener() {
                        @Override
                        public void onUploaded(DocumentUploadedEvent event, Meta meta) {
                            seen.add("uploaded:" + event.documentId() + ":" + event.fileName());
                        }

                        @Override
                        public void onProcessed(DocumentProcessedEvent event, Meta meta) {
                            assertThat(meta.messageId()).isNotBlank();
                            assertThat(meta.source()).isEqualTo(DocumentServiceKafkaClient.DEFAULT_SOURCE);
                            seen.add("processed:" + event.documentId() + ":" + event.status() + ":"
                                    + event.chunkCount() + ":" + event.metadata().get("pages"));
                        }

                        @Override
                        public void onDeleted(DocumentDeletedEvent event, Meta meta) {
                            seen.add("deleted:" + event.documentId() + ":" + event.reason());
                        }
                    });
            subscription.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
            client.sendDocumentUploadedEvent("doc-7", "x.pdf", "application/pdf", 10).join();
            client.sendDocumentProcessedEvent("doc-7", DocumentStatus.PARTIAL, Map.of("pages", 3, "chunkCount", 2))
                    .join();
            client.sendDocumentDeletedEvent("doc-7", "gdpr").join();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 3);
            assertThat(seen).containsExactly("uploaded:doc-7:x.pdf", "processed:doc-7:PARTIAL:2:3",
                    "deleted:doc-7:gdpr");
            // counted after the listener returns
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscription.completedCount() == 3);
        }
    }

    @Test
    void aConcurrentSubscriptionSpreadsTheWorkAndKeepsEachDocumentsEventsInOrder(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("documents-concurrent");
        cluster.createTopic(topic, 4, (short) 1);
        int documents = 200;
        Map<String, List<String>> perDocument = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (DocumentServiceKafkaClient client = DocumentServiceKafkaClient.builder()
                .connection(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build())
                .topic(topic).build()) {
            assertThatThrownBy(() -> client.subscribe(TopicNames.unique("indexer"), 0, new DocumentEventListener() {
            })).isInstanceOf(io.kafkautility.config.ConfigurationException.class)
                    .hasMessageContaining("concurrency must be between 1 and 64 but was 0");
            DocumentSubscription subscription = client.subscribe(TopicNames.unique("indexer"), 2,
                    new DocumentEventListener() {
                        private void seen(String documentId, String what) {
                            threads.add(Thread.currentThread().getName());
                            perDocument.computeIfAbsent(documentId,
                                    d -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(what);
                        }

                        @Override
                        public void onUploaded(DocumentUploadedEvent event, Meta meta) {
                            seen(event.documentId(), "uploaded");
                        }

                        @Override
                        public void onProcessed(DocumentProcessedEvent event, Meta meta) {
                            seen(event.documentId(), "processed");
                        }

                        @Override
                        public void onDeleted(DocumentDeletedEvent event, Meta meta) {
                            seen(event.documentId(), "deleted");
                        }
                    });
            subscription.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
            // batches of documents until both members have handled some (the second may join a moment later)
            int[] sent = {0};
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<java.util.concurrent.CompletableFuture<?>> sends = new java.util.ArrayList<>();
                for (int i = 0; i < documents; i++, sent[0]++) {
                    String id = "doc-" + sent[0];
                    sends.add(client.sendDocumentUploadedEvent(id, "x.pdf", "application/pdf", 10));
                    sends.add(client.sendDocumentProcessedEvent(id, DocumentStatus.SUCCESS, Map.of("pages", 1)));
                    sends.add(client.sendDocumentDeletedEvent(id, "done"));
                }
                sends.forEach(java.util.concurrent.CompletableFuture::join);
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> subscription.completedCount() == 3L * sent[0]);
                return threads.size() == 2;
            });
            assertThat(perDocument).hasSize(sent[0]);
            assertThat(perDocument.values()).allSatisfy(events ->
                    assertThat(events).containsExactly("uploaded", "processed", "deleted"));
            assertThat(threads).as("listener threads: the workers of both members").hasSize(2);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaCluster cluster, String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
            // nothing more arrives
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
