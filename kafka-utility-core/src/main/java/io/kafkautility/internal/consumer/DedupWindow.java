package io.kafkautility.internal.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bounded LRU of recently processed message ids. Not thread-safe (worker thread). */
public final class DedupWindow {

    private final int capacity;
    private final LinkedHashMap<String, Boolean> ids;

    /** @param capacity ids remembered; 0 disables */
    public DedupWindow(int capacity) {
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DedupWindow.this.capacity;
            }
        };
    }

    /** @return whether the id was recorded as processed (refreshes its recency) */
    public boolean seen(String id) {
        return capacity > 0 && ids.get(id) != null;
    }

    /** @param id an id just processed */
    public void record(String id) {
        if (capacity > 0) {
            ids.put(id, Boolean.TRUE);
        }
    }

    /** @return ids remembered */
    public int size() {
        return ids.size();
    }
}
