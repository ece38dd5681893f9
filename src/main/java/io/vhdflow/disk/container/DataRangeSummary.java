package io.vhdflow.disk.container;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded summary of a disk's zero-range map: totals plus the first ranges.
 *
 * @param virtualSize  bytes scanned
 * @param dataBytes    bytes inside data ranges (whole 512-byte sectors with a non-zero byte)
 * @param rangeCount   number of merged data ranges
 * @param firstRanges  the first {@code limit} ranges, in order
 * @param truncated    whether more ranges exist than {@code firstRanges} holds
 */
public record DataRangeSummary(long virtualSize, long dataBytes, long rangeCount, List<ByteRange> firstRanges,
                               boolean truncated) {

    public DataRangeSummary {
        firstRanges = List.copyOf(firstRanges);
    }

    /** Bytes known to be zero. */
    public long zeroBytes() {
        return virtualSize - dataBytes;
    }

    /** A sink that merges adjacent ranges and keeps totals and the first {@code limit} ranges. */
    public static final class Builder implements DataRangeSink {
        private final int limit;
        private final DataRangeSink next;
        private final List<ByteRange> first = new ArrayList<>();
        private long count;
        private long bytes;
        private long pendingStart = -1;
        private long pendingEnd = -1;
        private boolean truncated;

        /** Keeps at most {@code limit} ranges; forwards each merged range to {@code next}. */
        public Builder(int limit, DataRangeSink next) {
            this.limit = limit;
            this.next = next;
        }

        /** Keeps at most {@code limit} ranges. */
        public Builder(int limit) {
            this(limit, (o, l) -> { });
        }

        @Override
        public void data(long offset, long length) {
            if (length <= 0) {
                return;
            }
            if (offset == pendingEnd) {
                pendingEnd += length;
                return;
            }
            flush();
            pendingStart = offset;
            pendingEnd = offset + length;
        }

        private void flush() {
            if (pendingStart < 0) {
                return;
            }
            long len = pendingEnd - pendingStart;
            count++;
            bytes += len;
            if (first.size() < limit) {
                first.add(new ByteRange(pendingStart, len));
            } else {
                truncated = true;
            }
            next.data(pendingStart, len);
            pendingStart = -1;
            pendingEnd = -1;
        }

        /** Ends the stream and returns the summary for a disk of {@code virtualSize} bytes. */
        public DataRangeSummary build(long virtualSize) {
            flush();
            return new DataRangeSummary(virtualSize, bytes, count, first, truncated);
        }
    }
}
