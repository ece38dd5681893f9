package io.vhdflow.ops;

import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the service can do its work, with the reasons when it cannot: every home folder
 * writable, the drop folder readable, free space above the configured reserve, the journal
 * answering.
 */
public final class Health {

    /** Health status with reasons; {@code up} is false when any reason is given. */
    public record Status(boolean up, List<String> reasons, long freeBytes) {
    }

    private final HomeLayout home;
    private final JobJournal journal;
    private final long minFreeBytes;

    public Health(HomeLayout home, JobJournal journal, long minFreeBytes) {
        this.home = home;
        this.journal = journal;
        this.minFreeBytes = minFreeBytes;
    }

    public Status check() {
        List<String> reasons = new ArrayList<>();
        for (Path p : home.folders()) {
            if (!Files.isDirectory(p)) {
                reasons.add(p + " does not exist");
            } else if (!Files.isWritable(p)) {
                reasons.add(p + " is not writable");
            }
        }
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(home.drop())) {
            ds.iterator().hasNext();
        } catch (IOException | RuntimeException e) {
            if (Files.isDirectory(home.drop())) {
                reasons.add(home.drop() + " cannot be listed: " + (e instanceof java.nio.file.AccessDeniedException
                        ? "permission denied" : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                        ? fs.getReason() : e.getMessage()));
            }
        }
        long free = -1;
        try {
            free = Files.getFileStore(home.data()).getUsableSpace();
            if (free < minFreeBytes) {
                reasons.add("free disk space in " + home.data() + " is " + free + " bytes, under the "
                        + minFreeBytes + "-byte threshold (vhdflow.health.min-free-bytes)");
            }
        } catch (IOException e) {
            reasons.add("cannot read free space of " + home.data() + ": " + e.getMessage());
        }
        try {
            journal.countByState();
        } catch (RuntimeException e) {
            reasons.add("the journal database does not answer: " + e.getMessage());
        }
        return new Status(reasons.isEmpty(), reasons, free);
    }
}
