package io.kafkautility.consumer;

/**
 * Where a record came from and which processing attempt this is. Immutable.
 *
 * @param topic     the record's topic
 * @param partition the record's partition
 * @param offset    the record's offset
 * @param timestamp the record's timestamp (epoch milliseconds)
 * @param attempt   the attempt number, from 1
 */
public record MessageContext(String topic, int partition, long offset, long timestamp, int attempt) {
}
