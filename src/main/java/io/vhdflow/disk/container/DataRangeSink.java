package io.vhdflow.disk.container;

/**
 * Receives the data ranges of a virtual disk while it is streamed: 512-byte aligned, ascending,
 * merged (two consecutive calls never touch), everything between them all zeros. A callback
 * rather than a list because a fragmented 2 TiB disk can have millions of ranges; callers that
 * need a bounded view use {@link DataRangeSummary.Builder}.
 */
@FunctionalInterface
public interface DataRangeSink {
    /** Bytes {@code [offset, offset + length)} hold data (at least one non-zero byte per sector). */
    void data(long offset, long length);
}
