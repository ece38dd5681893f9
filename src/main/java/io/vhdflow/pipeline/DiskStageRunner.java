package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.disk.DiskException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs one stage's work on each disk of a multi-disk job, at most {@code parallelism} disks at
 * once, with each disk's start, progress, result and failure in the {@link DiskJournal}. A disk
 * already DONE in this stage (a resumed or retried job) is not run again: its recorded result is
 * used. Every disk runs to its end even when another fails, so the job's one decision sees them
 * all; then the first I/O error is rethrown (retried with the disks done kept), else every
 * rejection is returned for the stage to decide on.
 */
public final class DiskStageRunner {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final DiskJournal disks;
    private final ObjectMapper json;
    private final int parallelism;

    public DiskStageRunner(DiskJournal disks, ObjectMapper json, int parallelism) {
        this.disks = disks;
        this.json = json;
        this.parallelism = Math.max(1, parallelism);
    }

    /** One disk's work in a stage. */
    @FunctionalInterface
    public interface DiskWork<R> {
        R run(JobDisk disk, Progress progress) throws IOException, JobRejectedException;
    }

    /** What the stage's work gave for one disk: its result, or why it was rejected. */
    public record DiskOutcome<R>(JobDisk disk, R result, JobRejectedException rejection) {
        public boolean rejected() {
            return rejection != null;
        }
    }

    /**
     * Runs {@code work} on {@code targets}.
     *
     * @param bytesTotal each disk's byte total, for progress
     * @param jobProgress the job's stage progress: the sum over the disks
     * @return one outcome per disk, in the order of {@code targets}
     * @throws IOException the first I/O failure of a disk, after every disk ended
     */
    public <R> List<DiskOutcome<R>> run(String jobId, Stage stage, List<JobDisk> targets, Class<R> type,
                                        java.util.function.ToLongFunction<JobDisk> bytesTotal, Progress jobProgress,
                                        DiskWork<R> work) throws IOException {
        return run(jobId, stage, targets, type, bytesTotal, jobProgress, true, work);
    }

    /**
     * @param resume false when a disk's earlier result does not survive a new attempt (the package
     *               stage rebuilds its folder): every disk runs again
     */
    public <R> List<DiskOutcome<R>> run(String jobId, Stage stage, List<JobDisk> targets, Class<R> type,
                                        java.util.function.ToLongFunction<JobDisk> bytesTotal, Progress jobProgress,
                                        boolean resume, DiskWork<R> work) throws IOException {
        AtomicLongArray done = new AtomicLongArray(targets.size());
        long total = targets.stream().mapToLong(bytesTotal).sum();
        jobProgress.bytesTotal(total);
        Progress shared = synchronizedProgress(jobProgress);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, targets.size())), r -> {
            Thread t = new Thread(r, "vhdflow-disk-" + stage.id());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<DiskOutcome<R>>> futures = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                int index = i;
                JobDisk disk = targets.get(i);
                futures.add(pool.submit(() -> runOne(jobId, stage, disk, type, bytesTotal.applyAsLong(disk), resume, work,
                        d -> {
                            done.set(index, d);
                            long sum = 0;
                            for (int k = 0; k < done.length(); k++) {
                                sum += done.get(k);
                            }
                            shared.bytesDone(sum);
                        })));
            }
            List<DiskOutcome<R>> out = new ArrayList<>();
            IOException firstIo = null;
            for (Future<DiskOutcome<R>> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        firstIo = firstIo == null ? io : firstIo;
                    } else if (cause instanceof RuntimeException re) {
                        throw re;
                    } else {
                        throw new IllegalStateException(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while the disks of job " + jobId + " ran");
                }
            }
            if (firstIo != null) {
                throw firstIo;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The stage's one decision over its disks: nothing when every disk passed; else one rejection
     * naming the first failed disk, with every failed disk's reason in its details.
     */
    public static void decide(List<? extends DiskOutcome<?>> outcomes) throws JobRejectedException {
        List<DiskOutcome<?>> failed = new ArrayList<>();
        for (DiskOutcome<?> o : outcomes) {
            if (o.rejected()) {
                failed.add(o);
            }
        }
        if (failed.isEmpty()) {
            return;
        }
        JobError first = failed.get(0).rejection().error();
        List<String> details = new ArrayList<>();
        for (DiskOutcome<?> f : failed) {
            JobError e = f.rejection().error();
            details.add(f.disk().describe() + ": " + e.message());
            e.details().forEach(d -> details.add("  " + f.disk().fileName() + ": " + d));
        }
        String message = failed.size() == 1
                ? "disk " + failed.get(0).disk().describe() + ": " + first.message()
                : failed.size() + " disks failed, first " + failed.get(0).disk().describe() + ": " + first.message();
        throw new JobRejectedException(new JobError(first.code(), first.kind(), first.stage(), message,
                first.structure().map(s -> failed.get(0).disk().fileName() + ": " + s), first.offset(), first.remedy(),
                details), failed.get(0).rejection());
    }

    private <R> DiskOutcome<R> runOne(String jobId, Stage stage, JobDisk disk, Class<R> type, long total,
                                      boolean resume, DiskWork<R> work, Progress toJob) throws IOException {
        if (resume && disks.isDone(jobId, disk.diskNo(), stage)) {
            String recorded = disks.result(jobId, disk.diskNo(), stage).orElse("null");
            toJob.bytesDone(total);
            return new DiskOutcome<>(disk, json.readValue(recorded, type), null);
        }
        disks.start(jobId, disk.diskNo(), stage, total);
        long[] last = {System.nanoTime()};
        long[] knownTotal = {total};
        Progress progress = new Progress() {
            @Override
            public void bytesDone(long d) {
                toJob.bytesDone(d);
                long now = System.nanoTime();
                if (now - last[0] >= INTERVAL_NANOS) {
                    last[0] = now;
                    disks.progress(jobId, disk.diskNo(), stage, d, knownTotal[0]);
                }
            }

            @Override
            public void bytesTotal(long t) {
                knownTotal[0] = t;
            }
        };
        try {
            R result = work.run(disk, progress);
            disks.complete(jobId, disk.diskNo(), stage, json.writeValueAsString(result));
            return new DiskOutcome<>(disk, result, null);
        } catch (JobRejectedException e) {
            disks.fail(jobId, disk.diskNo(), stage, e.getMessage(), java.util.Optional.empty());
            return new DiskOutcome<>(disk, null, e);
        } catch (DiskException e) {
            disks.fail(jobId, disk.diskNo(), stage, e.getMessage(), java.util.Optional.empty());
            return new DiskOutcome<>(disk, null, new JobRejectedException(
                    JobError.ofDiskFailure(e, stage.id(), disk.fileName()), e));
        } catch (IOException | RuntimeException e) {
            disks.fail(jobId, disk.diskNo(), stage, String.valueOf(e.getMessage()), java.util.Optional.empty());
            throw e;
        }
    }

    private static Progress synchronizedProgress(Progress p) {
        return new Progress() {
            @Override
            public synchronized void bytesDone(long done) {
                p.bytesDone(done);
            }

            @Override
            public synchronized void bytesTotal(long total) {
                p.bytesTotal(total);
            }
        };
    }
}
