package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes and reads that pass through to another source, to measure how much of an image
 * a reader touches (e.g. opening a filesystem on a 1 TiB disk should read megabytes, not gigabytes).
 * Does not own its delegate: closing this does not close it.
 */
public final class CountingByteSource implements ByteSource {
    private final ByteSource delegate;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();

    public CountingByteSource(ByteSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = delegate.read(offset, dst);
        reads.incrementAndGet();
        if (n > 0) {
            bytes.addAndGet(n);
        }
        return n;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    /** Bytes returned by reads so far. */
    public long bytesRead() {
        return bytes.get();
    }

    /** Number of read calls so far. */
    public long readCount() {
        return reads.get();
    }
}
