package io.kafkautility.testkit;

import java.util.UUID;

/** Unique topic (and group) names so tests sharing a cluster never see each other's data. Thread-safe, stateless. */
public final class TopicNames {
    private TopicNames() {
    }

    /**
     * {@code prefix + "-" + 12 random hex chars}; the prefix is reduced to characters legal in a topic name.
     *
     * @throws IllegalArgumentException if the prefix is null or empty
     */
    public static String unique(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must not be empty");
        }
        String clean = prefix.replaceAll("[^a-zA-Z0-9._-]", "_");
        if (clean.length() > 200) {
            clean = clean.substring(0, 200);
        }
        return clean + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
