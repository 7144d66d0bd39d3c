/**
 * Kafka {@code Serializer} / {@code Deserializer} / {@code Serde} implementations of the library's message contract,
 * for services that use Kafka through other tools (Kafka Streams, Kafka Connect, Flink's {@code KafkaSink}, a plain
 * {@code KafkaProducer}): what they write is indistinguishable from what the library's producer writes (the same
 * CloudEvents structured-mode bytes, validated against the type's JSON Schema, and the same {@code ku_*} headers
 * when the caller hands the record's headers over, as Kafka's producer and Streams do), and what they read is checked
 * like the library's consumer checks it.
 */
package io.kafkautility.serde;
