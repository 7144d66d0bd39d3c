package io.kafkautility.consumer;

import java.time.Instant;
import java.util.Map;

/**
 * Where a message came from, for a {@link MessageHandler}. Immutable.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 * @param timestamp the record's timestamp
 * @param attempt the processing attempt, from 1
 * @param headers the record's headers as UTF-8 strings (the last value of each name)
 * @param key the record's key as a UTF-8 string, or null when it has none
 */
public record MessageContext(String topic, int partition, long offset, Instant timestamp, int attempt,
                             Map<String, String> headers, String key) {

    public MessageContext {
        headers = Map.copyOf(headers);
    }

    /** A context without a key. */
    public MessageContext(String topic, int partition, long offset, Instant timestamp, int attempt,
                          Map<String, String> headers) {
        this(topic, partition, offset, timestamp, attempt, headers, null);
    }
}
