package io.vhdflow.disk.fs.ext4;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small thread-safe least-recently-used map, so metadata caching stays flat in disk size. */
final class BoundedCache<K, V> {
    private final Map<K, V> map;

    BoundedCache(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }
}
