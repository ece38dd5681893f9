package io.vhdflow.pipeline;

/**
 * Caps the rate at which a copying stage reads, so a 2 TiB backup does not starve the disks of the
 * machine it shares. One instance per stage run; not shared between threads.
 */
public final class Throttle {
    private final long bytesPerSecond;
    private final long startNanos = System.nanoTime();
    private long bytes;

    /** @param bytesPerSecond the cap, or 0 for none */
    public Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Accounts for {@code n} more bytes, sleeping as long as needed to stay under the cap. */
    public void acquire(long n) throws java.io.InterruptedIOException {
        if (bytesPerSecond <= 0) {
            return;
        }
        bytes += n;
        long dueNanos = (long) (bytes * 1e9 / bytesPerSecond);
        long ahead = dueNanos - (System.nanoTime() - startNanos);
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while throttled");
            }
        }
    }
}
