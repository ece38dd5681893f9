package io.vhdflow.disk.container;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Iterators over the ranges of a virtual disk that may hold non-zero data, sorted and merged.
 * Everything outside them reads as zeros, so a converter or scanner need not read it.
 */
final class AllocatedRanges {
    private AllocatedRanges() {
    }

    /** The whole disk as one range (fixed and raw images: no cheaper knowledge). */
    static Iterator<ByteRange> whole(long size) {
        return size == 0 ? java.util.Collections.emptyIterator()
                : java.util.List.of(new ByteRange(0, size)).iterator();
    }

    /** Allocated blocks of a BAT, adjacent blocks merged, clipped to {@code size}. */
    static Iterator<ByteRange> ofBat(BlockAllocationTable bat, long size) {
        return new Iterator<>() {
            int next = advance(0);

            private int advance(int from) {
                int i = from;
                while (i < bat.blockCount() && !bat.allocated(i)) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < bat.blockCount();
            }

            @Override
            public ByteRange next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int first = next;
                int i = first;
                while (i < bat.blockCount() && bat.allocated(i)) {
                    i++;
                }
                next = advance(i);
                long start = first * bat.blockSize();
                long end = Math.min(size, i * bat.blockSize());
                return new ByteRange(start, end - start);
            }
        };
    }

    /** Union of two sorted, merged range iterators, clipped to {@code size}. */
    static Iterator<ByteRange> union(Iterator<ByteRange> a, Iterator<ByteRange> b, long size) {
        return new Iterator<>() {
            ByteRange ha = clip(a);
            ByteRange hb = clip(b);

            private ByteRange clip(Iterator<ByteRange> it) {
                if (!it.hasNext()) {
                    return null;
                }
                ByteRange r = it.next();
                if (r.offset() >= size) {
                    return null;
                }
                return r.end() <= size ? r : new ByteRange(r.offset(), size - r.offset());
            }

            @Override
            public boolean hasNext() {
                return ha != null || hb != null;
            }

            @Override
            public ByteRange next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long start;
                long end;
                if (hb == null || (ha != null && ha.offset() <= hb.offset())) {
                    start = ha.offset();
                    end = ha.end();
                    ha = clip(a);
                } else {
                    start = hb.offset();
                    end = hb.end();
                    hb = clip(b);
                }
                // Absorb every range from either side that touches [start, end).
                boolean grew = true;
                while (grew) {
                    grew = false;
                    if (ha != null && ha.offset() <= end) {
                        end = Math.max(end, ha.end());
                        ha = clip(a);
                        grew = true;
                    }
                    if (hb != null && hb.offset() <= end) {
                        end = Math.max(end, hb.end());
                        hb = clip(b);
                        grew = true;
                    }
                }
                return new ByteRange(start, end - start);
            }
        };
    }
}
