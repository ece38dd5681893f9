package io.vhdflow.disk.container;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The allocated ranges of a sparse container, collected once when it is opened (the format's
 * tables are walked and validated anyway) and then iterated as often as needed without I/O.
 *
 * <p>Memory is bounded whatever the image: at most {@link #MAX_RANGES} ranges are kept. When a
 * badly fragmented image would need more, neighbouring ranges are merged across the smallest
 * gaps first. That keeps the list a superset of the allocated bytes, which is all
 * {@link DiskImage#allocatedRanges()} promises: a gap merged in is read and found to be zeros.
 */
final class RangeList {
    /** 16 bytes a range: at most 8 MiB of heap. */
    static final int MAX_RANGES = 512 * 1024;

    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private int count;
    private long mergeGap;
    private final int maxRanges;

    RangeList() {
        this(MAX_RANGES);
    }

    RangeList(int maxRanges) {
        this.maxRanges = Math.max(2, maxRanges);
    }

    /** Adds {@code [offset, offset + length)}; calls must come in ascending order of offset. */
    void add(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long end = offset + length;
        if (count > 0) {
            if (offset < starts[count - 1]) {
                throw new IllegalArgumentException("ranges out of order: " + offset + " after " + starts[count - 1]);
            }
            if (offset <= ends[count - 1] + mergeGap) {
                ends[count - 1] = Math.max(ends[count - 1], end);
                return;
            }
        }
        if (count == maxRanges) {
            coarsen();
            add(offset, length);
            return;
        }
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, Math.min(maxRanges, count * 2));
            ends = Arrays.copyOf(ends, starts.length);
        }
        starts[count] = offset;
        ends[count] = end;
        count++;
    }

    /** Doubles the gap merged across and re-merges what is held, halving the count at least once. */
    private void coarsen() {
        do {
            mergeGap = mergeGap == 0 ? 4096 : mergeGap * 2;
            int w = 0;
            for (int r = 0; r < count; r++) {
                if (w > 0 && starts[r] <= ends[w - 1] + mergeGap) {
                    ends[w - 1] = Math.max(ends[w - 1], ends[r]);
                } else {
                    starts[w] = starts[r];
                    ends[w] = ends[r];
                    w++;
                }
            }
            count = w;
        } while (count > maxRanges / 2);
    }

    /** Ranges held. */
    int size() {
        return count;
    }

    /**
     * The ranges, clipped to {@code limit}. The list is complete before its image is handed out and
     * never changes afterwards, so iterators need no copy.
     */
    Iterator<ByteRange> iterator(long limit) {
        long[] s = starts;
        long[] e = ends;
        int n = count;
        return new Iterator<>() {
            int i = skip(0);

            private int skip(int from) {
                return from < n && s[from] < limit ? from : n;
            }

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public ByteRange next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ByteRange r = new ByteRange(s[i], Math.min(e[i], limit) - s[i]);
                i = skip(i + 1);
                return r;
            }
        };
    }

    /** Bytes covered. */
    long bytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += ends[i] - starts[i];
        }
        return n;
    }
}
