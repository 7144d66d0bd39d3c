package io.kafkautility.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One record of a dead-letter topic, described by its headers (no payload).
 *
 * @param partition     its partition in the dead-letter topic
 * @param offset        its offset there
 * @param reason        {@code ku_dlt_reason}, or {@code UNKNOWN} when the header is missing
 * @param originalTopic {@code ku_dlt_original_topic}, or empty
 * @param failedAt      {@code ku_dlt_failed_at}, else the record's timestamp
 * @param messageId     {@code ku_message_id}, or empty
 * @param replayed      whether the ledger says it was replayed
 */
public record DeadLetterEntry(int partition, long offset, String reason, Optional<String> originalTopic,
                              Instant failedAt, Optional<String> messageId, boolean replayed) {

    /** How long ago it failed. */
    public Duration age(Instant now) {
        Duration d = Duration.between(failedAt, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Its replay id, {@code <dead-letter topic>:<partition>:<offset>}. */
    public String replayId(String deadLetterTopic) {
        return deadLetterTopic + ":" + partition + ":" + offset;
    }
}
