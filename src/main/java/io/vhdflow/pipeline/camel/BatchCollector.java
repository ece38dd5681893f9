package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Settings;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scheduled batch: takes every eligible VHD in {@code batch/} in as one batch. Eligible means
 * a regular {@code .vhd} file unchanged for the settle time (and with its {@code .ready} marker
 * when markers are on), so a file still being copied waits for the next run.
 */
public final class BatchCollector {
    private static final System.Logger LOG = System.getLogger(BatchCollector.class.getName());

    private final Settings settings;
    private final IntakeService intake;
    private final JobJournal journal;

    public BatchCollector(Settings settings, IntakeService intake, JobJournal journal) {
        this.settings = settings;
        this.intake = intake;
        this.journal = journal;
    }

    /** Takes the batch in; returns the ids of the jobs ready for the pipeline. */
    public List<String> collect() throws IOException {
        List<Path> eligible = new ArrayList<>();
        Instant settledBefore = Instant.now().minus(settings.settle());
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(settings.home().batch())) {
            for (Path p : ds) {
                if (IntakeService.refusal(p).isEmpty()
                        && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(settledBefore)
                        && (!settings.readyMarker() || Files.exists(p.resolveSibling(p.getFileName() + ".ready")))) {
                    eligible.add(p);
                }
            }
        }
        eligible.sort(null);
        if (eligible.isEmpty()) {
            return List.of();
        }
        String batchId = "batch-" + intake.newJobId();
        journal.createBatch(batchId, Instant.now());
        List<String> ready = new ArrayList<>();
        for (Path p : eligible) {
            intake.takeInForPipeline(p, Optional.of(batchId)).ifPresent(ready::add);
        }
        journal.closeBatch(batchId, eligible.size());
        LOG.log(System.Logger.Level.INFO, "batch {0}: {1} VHD(s) taken in", batchId, eligible.size());
        return ready;
    }
}
