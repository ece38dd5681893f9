package io.vhdflow.pipeline;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The disk-bandwidth and CPU budget shared by the jobs' data passes (the backup stage's one read
 * of the original, and a package stage that has to convert again). At most
 * {@link DataPathSettings#dataPasses()} passes run at once; a waiting pass with fewer bytes goes
 * first; and passes of large sources ({@link DataPathSettings#largeJobBytes()}) hold at most all
 * slots but one, so a 2 TiB job never makes a 1 GiB job wait behind it. The read rate of all
 * passes together is capped at {@link DataPathSettings#bandwidthBytesPerSecond()}.
 */
public final class DataPassBudget {
    private static final System.Logger LOG = System.getLogger(DataPassBudget.class.getName());

    private final int slots;
    private final long largeBytes;
    private final long bytesPerSecond;
    private final List<Waiter> waiting = new ArrayList<>();
    private long arrivals;
    private int running;
    private int runningLarge;
    /** Shared bandwidth: the time (nanoTime) at which the reserved bytes will have been read. */
    private long bandwidthFreeAt = Long.MIN_VALUE;

    public DataPassBudget(DataPathSettings s) {
        this.slots = s.dataPasses();
        this.largeBytes = s.largeJobBytes();
        this.bytesPerSecond = s.bandwidthBytesPerSecond();
    }

    private record Waiter(String job, long bytes, long arrival, boolean large) {
    }

    /** A running pass; closing it frees its slot. */
    public interface Permit extends AutoCloseable {
        /** Accounts for {@code n} bytes read, sleeping as long as the shared bandwidth cap needs. */
        void read(long n) throws InterruptedIOException;

        @Override
        void close();
    }

    /** Waits for a slot for {@code job}'s pass over {@code bytes} bytes. */
    public Permit acquire(String job, long bytes) throws InterruptedIOException {
        Waiter me;
        synchronized (this) {
            me = new Waiter(job, bytes, arrivals++, slots > 1 && bytes > largeBytes);
            waiting.add(me);
            try {
                boolean logged = false;
                while (next() != me) {
                    if (!logged) {
                        LOG.log(System.Logger.Level.INFO, "job {0}: data pass waits for a slot ({1} of {2} in use)",
                                job, running, slots);
                        logged = true;
                    }
                    wait();
                }
            } catch (InterruptedException e) {
                waiting.remove(me);
                notifyAll();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a data pass slot");
            }
            waiting.remove(me);
            running++;
            if (me.large()) {
                runningLarge++;
            }
            notifyAll();
        }
        Waiter w = me;
        return new Permit() {
            private boolean closed;

            @Override
            public void read(long n) throws InterruptedIOException {
                throttle(n);
            }

            @Override
            public void close() {
                synchronized (DataPassBudget.this) {
                    if (!closed) {
                        closed = true;
                        running--;
                        if (w.large()) {
                            runningLarge--;
                        }
                        DataPassBudget.this.notifyAll();
                    }
                }
            }
        };
    }

    /** Passes waiting for a slot now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** The waiter that may start now: the smallest (then the oldest) whose lane has room. */
    private Waiter next() {
        if (running >= slots) {
            return null;
        }
        return waiting.stream()
                .filter(w -> !w.large() || runningLarge < slots - 1)
                .min(Comparator.comparingLong(Waiter::bytes).thenComparingLong(Waiter::arrival))
                .orElse(null);
    }

    private void throttle(long n) throws InterruptedIOException {
        if (bytesPerSecond <= 0 || n <= 0) {
            return;
        }
        long sleep;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, bandwidthFreeAt);
            bandwidthFreeAt = start + (long) (n * 1e9 / bytesPerSecond);
            sleep = start - now;
        }
        if (sleep > 0) {
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while throttled");
            }
        }
    }
}
