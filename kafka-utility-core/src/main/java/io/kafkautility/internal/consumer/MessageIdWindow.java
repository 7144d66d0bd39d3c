package io.kafkautility.internal.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/** The last N message ids seen, for dropping redeliveries. Used by the worker thread only. */
final class MessageIdWindow {

    private final int capacity;
    private final LinkedHashMap<String, Boolean> ids;

    MessageIdWindow(int capacity) {
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > MessageIdWindow.this.capacity;
            }
        };
    }

    boolean enabled() {
        return capacity > 0;
    }

    boolean contains(String id) {
        return capacity > 0 && ids.get(id) != null;
    }

    void add(String id) {
        if (capacity > 0) {
            ids.put(id, Boolean.TRUE);
        }
    }

    int size() {
        return ids.size();
    }
}
