package io.vhdflow.disk.container;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small least-recently-used cache of blocks read from an image (qcow2 L2 tables, inflated
 * clusters and grains), bounded in bytes so that large cluster sizes cannot blow the heap.
 * Loads happen outside the lock: two readers may load the same block once each, never wait on
 * each other's I/O.
 */
final class BlockCache {

    /** Reads one block; may throw for damaged input. */
    @FunctionalInterface
    interface Loader {
        byte[] load(long key) throws IOException;
    }

    private final long maxBytes;
    private final LinkedHashMap<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    BlockCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    byte[] get(long key, Loader loader) throws IOException {
        synchronized (this) {
            byte[] b = blocks.get(key);
            if (b != null) {
                return b;
            }
        }
        byte[] loaded = loader.load(key);
        synchronized (this) {
            byte[] old = blocks.put(key, loaded);
            if (old != null) {
                bytes -= old.length;
            }
            bytes += loaded.length;
            // Keep at least the block just loaded, even if it alone is over the budget.
            for (Iterator<Map.Entry<Long, byte[]>> it = blocks.entrySet().iterator(); bytes > maxBytes
                    && blocks.size() > 1 && it.hasNext(); ) {
                Map.Entry<Long, byte[]> e = it.next();
                if (e.getKey() == key) {
                    continue;
                }
                bytes -= e.getValue().length;
                it.remove();
            }
        }
        return loaded;
    }
}
