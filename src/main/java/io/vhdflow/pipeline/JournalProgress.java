package io.vhdflow.pipeline;

/** Writes a stage's progress to the journal at most once a second, so progress costs nothing on the data path. */
final class JournalProgress implements Progress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final JobJournal journal;
    private final String jobId;
    private final Stage stage;
    private long lastNanos = System.nanoTime();
    private long knownTotal = -1;

    JournalProgress(JobJournal journal, String jobId, Stage stage) {
        this.journal = journal;
        this.jobId = jobId;
        this.stage = stage;
    }

    @Override
    public void bytesTotal(long total) {
        if (total != knownTotal) {
            knownTotal = total;
            journal.progressTotal(jobId, stage, total);
        }
    }

    @Override
    public void bytesDone(long done) {
        long now = System.nanoTime();
        if (now - lastNanos >= INTERVAL_NANOS) {
            lastNanos = now;
            journal.progress(jobId, stage, done);
        }
    }
}
