package io.kafkautility.serde;

import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The README's "Use it from…" code, compiled and run by {@link ReadmeSnippetsIT}, which also checks that the README
 * shows exactly the text between each {@code tag::} / {@code end::} pair below.
 */
final class UseItFrom {

    /** The service's own view of a {@code rag.document.deleted} event. */
    // tag::payload[]
    record Deleted(String documentId, String deletedAt, String reason) { }
    // end::payload[]

    private UseItFrom() {
    }

    static void plainProducer(Map<String, Object> props, String topic) {
        // tag::plain-producer[]
        // a plain KafkaProducer: each payload becomes a fresh, validated envelope with the library's headers
        TypedEnvelopeSerde<Deleted> deleted = TypedEnvelopeSerde.of(MessageTypes.DOCUMENT_DELETED, Deleted.class,
                "archiver");
        try (KafkaProducer<String, Deleted> producer = new KafkaProducer<>(props, new StringSerializer(),
                deleted.serializer())) {
            producer.send(new ProducerRecord<>(topic, "doc-1",
                    new Deleted("doc-1", Instant.now().toString(), "retention expired")));
        }
        // end::plain-producer[]
    }

    static List<Envelope> plainConsumer(Map<String, Object> props, String topic, int expected, Duration timeout) {
        List<Envelope> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        // tag::plain-consumer[]
        // a plain KafkaConsumer: any message of the contract, validated (invalid ones throw SerializationException)
        try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new EnvelopeSerde().deserializer())) {
            consumer.subscribe(List.of(topic));
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value())); // r.value().type(), .data()
            }
        }
        // end::plain-consumer[]
        return received;
    }

    static Topology streams() {
        // tag::streams[]
        // Kafka Streams: the same serde both ways, Streams' own error handlers apply to invalid input
        TypedEnvelopeSerde<Deleted> deleted = TypedEnvelopeSerde.of(MessageTypes.DOCUMENT_DELETED, Deleted.class,
                "archiver");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("rag.documents", Consumed.with(Serdes.String(), deleted))
                .mapValues(d -> new Deleted(d.documentId(), d.deletedAt(), "archived"))
                .to("rag.documents.archive", Produced.with(Serdes.String(), deleted));
        Topology topology = builder.build();
        // end::streams[]
        return topology;
    }
}
