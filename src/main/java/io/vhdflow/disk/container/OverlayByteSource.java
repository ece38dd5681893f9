package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file as it would be after some writes, without writing it: byte ranges replaced by data held
 * in memory or by zeros, over an unchanged base; the result may be longer than the base (reads
 * past the base's end give zeros). Used to replay a VHDX log without touching the input.
 * Patches are added while the image is opened and never afterwards, so reads need no lock.
 */
final class OverlayByteSource implements ByteSource {

    /** One replaced range {@code [start, end)}: bytes from {@code data} at {@code dataOffset}, or zeros when null. */
    private record Patch(long start, long end, byte[] data, int dataOffset) {
    }

    private final ByteSource base;
    private final TreeMap<Long, Patch> patches = new TreeMap<>();
    private long size;
    private long heldBytes;

    OverlayByteSource(ByteSource base) {
        this.base = base;
        this.size = base.size();
    }

    /** Replaces {@code [offset, offset + data.length)} with {@code data} (kept, not copied). */
    void write(long offset, byte[] data) {
        put(new Patch(offset, offset + data.length, data, 0));
        heldBytes += data.length;
    }

    /** Replaces {@code [offset, offset + length)} with zeros. */
    void zero(long offset, long length) {
        put(new Patch(offset, offset + length, null, 0));
    }

    /** Makes the file at least {@code length} bytes long (the added bytes read as zeros). */
    void extendTo(long length) {
        size = Math.max(size, length);
    }

    /** Bytes of data held in memory. */
    long heldBytes() {
        return heldBytes;
    }

    /** Number of patches. */
    int patchCount() {
        return patches.size();
    }

    private void put(Patch p) {
        if (p.end() <= p.start()) {
            return;
        }
        // Cut away whatever older patches the new one covers, keeping their parts outside it.
        Map.Entry<Long, Patch> before = patches.lowerEntry(p.start());
        if (before != null && before.getValue().end() > p.start()) {
            Patch o = before.getValue();
            patches.put(o.start(), new Patch(o.start(), p.start(), o.data(), o.dataOffset()));
            if (o.end() > p.end()) {
                patches.put(p.end(), slice(o, p.end()));
            }
        }
        for (Map.Entry<Long, Patch> e = patches.ceilingEntry(p.start()); e != null && e.getKey() < p.end();
             e = patches.ceilingEntry(p.start())) {
            Patch o = patches.remove(e.getKey());
            if (o.end() > p.end()) {
                patches.put(p.end(), slice(o, p.end()));
                break;
            }
        }
        patches.put(p.start(), p);
        size = Math.max(size, p.end());
    }

    private static Patch slice(Patch o, long from) {
        return new Patch(from, o.end(), o.data(), o.data() == null ? 0 : (int) (o.dataOffset() + from - o.start()));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = ByteSource.readableLength(offset, dst.remaining(), size);
        if (total < 0) {
            return -1;
        }
        long pos = offset;
        long end = offset + total;
        while (pos < end) {
            Map.Entry<Long, Patch> e = patches.floorEntry(pos);
            if (e != null && e.getValue().end() > pos) {
                Patch p = e.getValue();
                int n = (int) (Math.min(end, p.end()) - pos);
                if (p.data() == null) {
                    MappedDiskSource.zero(dst, n);
                } else {
                    dst.put(p.data(), (int) (p.dataOffset() + pos - p.start()), n);
                }
                pos += n;
                continue;
            }
            Long next = patches.higherKey(pos);
            long stop = Math.min(end, next == null ? Long.MAX_VALUE : next);
            int n = (int) (stop - pos);
            int fromBase = (int) Math.max(0, Math.min(n, base.size() - pos));
            if (fromBase > 0) {
                ByteBuffer view = dst.duplicate();
                view.limit(view.position() + fromBase);
                base.readFully(pos, view, base.describe());
                dst.position(dst.position() + fromBase);
            }
            MappedDiskSource.zero(dst, n - fromBase);
            pos += n;
        }
        return total;
    }

    @Override
    public String describe() {
        return base.describe() + " (log replayed in memory)";
    }
}
