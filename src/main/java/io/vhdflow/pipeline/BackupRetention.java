package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the newest {@code vhdflow.backup.retention} good backups of each image and deletes older
 * ones. Only a backup of a job that ended {@code done} (registered) counts, and each content
 * (source SHA-256) counts once: a duplicate dropped again and again, or files that were rejected,
 * can never push the backups of registered images out. Backups that do not count (jobs running,
 * failed or duplicate) are left alone: a failed job's backup is what its retry resumes from.
 */
public final class BackupRetention {
    private static final System.Logger LOG = System.getLogger(BackupRetention.class.getName());

    private final HomeLayout home;
    private final int keep;
    private final JobJournal journal;

    public BackupRetention(Settings settings, JobJournal journal) {
        this.home = settings.home();
        this.keep = settings.backupRetention();
        this.journal = journal;
    }

    /** Applies the retention to the image of {@code job} (just done); returns the backup folders deleted. */
    public List<Path> apply(JobRecord job) throws IOException {
        List<Path> removed = new ArrayList<>();
        Path imageDir = HomeLayout.within(home.backup(), job.imageName());
        if (keep == 0 || !Files.isDirectory(imageDir, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(imageDir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")) {
                    folders.add(p);
                }
            }
        }
        // Job ids begin with their UTC intake time, so name order is age order: newest first.
        folders.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        Set<String> kept = new HashSet<>();
        for (Path folder : folders) {
            String id = folder.getFileName().toString();
            Optional<JobRecord> owner = journal.job(id);
            if (owner.isEmpty() || owner.get().state() != JobState.DONE || owner.get().sourceSha256().isEmpty()) {
                continue;
            }
            // A content already kept in a newer backup does not count again; an older copy of it is redundant.
            if (!kept.contains(owner.get().sourceSha256().get()) && kept.size() < keep) {
                kept.add(owner.get().sourceSha256().get());
                continue;
            }
            if (id.equals(job.id())) {
                continue;
            }
            BackupService.deleteTree(folder);
            removed.add(folder);
            LOG.log(System.Logger.Level.INFO, "retention: removed backup {0} (image {1} keeps the newest {2} "
                    + "registered contents)", folder, job.imageName(), keep);
        }
        return removed;
    }
}
