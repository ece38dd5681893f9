package io.vhdflow.testing;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source that reads through to another one with some bytes overridden: the hostile-input and
 * mutation tests corrupt a real fixture image this way without copying it (several are sparse and
 * large). It also counts what is read, and can record every read's {@code (offset, length)}, so a
 * test can show that opening reads only what it needs or find where the metadata lives.
 *
 * <p>One shared helper replaces the per-package copies the ext4, XFS, NTFS and volume tests used to
 * carry. Patch before reading: reads are thread-safe, patching is not meant to race with them.
 */
public final class PatchedByteSource implements ByteSource {
    private final ByteSource base;
    private final TreeMap<Long, Byte> patches = new TreeMap<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong readCount = new AtomicLong();
    private final List<long[]> recorded = new ArrayList<>();
    private volatile boolean recording;

    public PatchedByteSource(ByteSource base) {
        this.base = base;
    }

    /** Overrides the bytes from {@code offset} on with {@code bytes}. */
    public PatchedByteSource patch(long offset, byte... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            patches.put(offset + i, bytes[i]);
        }
        return this;
    }

    /** Overrides every {@code offset -> byte} of {@code bytes}. */
    public PatchedByteSource patch(Map<Long, Byte> bytes) {
        patches.putAll(bytes);
        return this;
    }

    /** Writes the low {@code width} bytes of {@code value} little-endian at {@code offset}. */
    public PatchedByteSource patchLE(long offset, long value, int width) {
        for (int i = 0; i < width; i++) {
            patches.put(offset + i, (byte) (value >>> (8 * i)));
        }
        return this;
    }

    /** Writes the low {@code width} bytes of {@code value} big-endian at {@code offset}. */
    public PatchedByteSource patchBE(long offset, long value, int width) {
        for (int i = 0; i < width; i++) {
            patches.put(offset + i, (byte) (value >>> (8 * (width - 1 - i))));
        }
        return this;
    }

    /** Flips the bits of {@code mask} in the byte at {@code offset} (as already patched, if it is). */
    public PatchedByteSource xor(long offset, int mask) throws IOException {
        Byte current = patches.get(offset);
        byte b = current != null ? current : base.readBytes(offset, 1, "test")[0];
        return patch(offset, (byte) (b ^ mask));
    }

    /** From now on, remembers the {@code (offset, length)} of every read, for {@link #recordedReads()}. */
    public PatchedByteSource recordReads() {
        recording = true;
        return this;
    }

    /** The reads made since {@link #recordReads()}, each as {@code {offset, bytes read}}. */
    public synchronized List<long[]> recordedReads() {
        return List.copyOf(recorded);
    }

    /** Bytes read so far through this source. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Successful {@link #read} calls so far. */
    public long readCount() {
        return readCount.get();
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = base.read(offset, dst);
        if (n <= 0) {
            return n;
        }
        bytesRead.addAndGet(n);
        readCount.incrementAndGet();
        if (recording) {
            synchronized (this) {
                recorded.add(new long[] {offset, n});
            }
        }
        for (Map.Entry<Long, Byte> p : patches.subMap(offset, offset + n).entrySet()) {
            dst.put(start + (int) (p.getKey() - offset), p.getValue());
        }
        return n;
    }

    @Override
    public String describe() {
        return "patched " + base.describe();
    }
}
