package io.kafkautility.internal.consumer;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.consumer.ProcessedIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The last N (source, id) pairs, least recently used out first. Thread-safe (synchronized). */
public class InMemoryProcessedIds implements ProcessedIds {

    /** Keys longer than this are replaced by their SHA-256: a hostile id cannot make the store hold megabytes. */
    static final int MAX_KEY_LENGTH = 256;

    private final int capacity;
    private final LinkedHashMap<String, Boolean> ids;

    public InMemoryProcessedIds(int capacity) {
        if (capacity < 1) {
            throw new ConfigurationException("processed ids capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > InMemoryProcessedIds.this.capacity;
            }
        };
    }

    @Override
    public synchronized boolean contains(String source, String id) {
        return ids.get(key(source, id)) != null;
    }

    @Override
    public void add(String source, String id) {
        String key = key(source, id);
        synchronized (this) {
            if (ids.put(key, Boolean.TRUE) != null) {
                return;
            }
        }
        added(key);
    }

    /** A new key was remembered (subclasses persist it). */
    protected void added(String key) {
    }

    /** Remembers {@code key} without {@link #added} (loading). */
    protected final synchronized void remember(String key) {
        ids.put(key, Boolean.TRUE);
    }

    /** The remembered keys, oldest first. */
    protected final synchronized java.util.List<String> keys() {
        return java.util.List.copyOf(ids.keySet());
    }

    protected final int capacity() {
        return capacity;
    }

    public synchronized int size() {
        return ids.size();
    }

    static String key(String source, String id) {
        String key = (source == null ? "" : source) + '\u0000' + (id == null ? "" : id);
        if (key.length() <= MAX_KEY_LENGTH) {
            return key;
        }
        try {
            return "sha256:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{capacity=" + capacity + ", size=" + size() + "}";
    }
}
