package io.vhdflow.pipeline;

import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention counts only good backups of distinct content: the backups of registered jobs, each
 * content once. Duplicates and rejected files never push the backups of registered images out.
 */
class BackupRetentionTest {
    @TempDir
    Path dir;

    private Settings settings;
    private JobJournal journal;

    /** A job of image "web" ended in {@code state}, with its content hash and a backup folder. */
    private void job(String id, JobState state, String sha) throws Exception {
        journal.createJob(id, Optional.empty(), "web.vhd", 1,
                ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "web.vhd"));
        journal.setSourceSha256(id, sha);
        if (state.isFinal()) {
            journal.finishJob(id, state, Optional.empty());
        }
        Path backup = settings.home().backup().resolve("web").resolve(id);
        Files.createDirectories(backup);
        Files.write(backup.resolve("web.vhd"), new byte[] {1});
    }

    private List<String> backups() throws Exception {
        try (var l = Files.list(settings.home().backup().resolve("web"))) {
            return l.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void duplicatesAndRejectedFilesNeverPushRegisteredBackupsOut() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", dir.toString());
        p.setProperty("vhdflow.backup.retention", "2");
        settings = Settings.from(p);
        settings.home().create();
        try (Database db = Database.open(settings.home().database())) {
            journal = new JobJournal(db, Json.mapper());
            job("20260101-000000-000000000001", JobState.DONE, "aa");
            job("20260102-000000-000000000002", JobState.DONE, "bb");
            // Newer than both: the same content dropped again (duplicate), a rejected image, one still running.
            job("20260103-000000-000000000003", JobState.DUPLICATE, "bb");
            job("20260104-000000-000000000004", JobState.FAILED, "cc");
            job("20260105-000000-000000000005", JobState.DUPLICATE, "bb");
            job("20260106-000000-000000000006", JobState.RUNNING, "dd");
            BackupRetention retention = new BackupRetention(settings, journal);
            assertEquals(List.of(), retention.apply(journal.job("20260102-000000-000000000002").orElseThrow()),
                    "two registered contents, two kept: the four newer backups do not count");
            assertEquals(6, backups().size());

            // A third registered content: the oldest registered backup goes, and only that one.
            job("20260107-000000-000000000007", JobState.DONE, "ee");
            List<Path> removed = retention.apply(journal.job("20260107-000000-000000000007").orElseThrow());
            assertEquals(List.of(settings.home().backup().resolve("web/20260101-000000-000000000001")), removed);
            assertTrue(backups().containsAll(List.of("20260102-000000-000000000002", "20260104-000000-000000000004",
                    "20260106-000000-000000000006", "20260107-000000-000000000007")), backups().toString());
        }
    }

    @Test
    void zeroKeepsEverything() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", dir.toString());
        p.setProperty("vhdflow.backup.retention", "0");
        settings = Settings.from(p);
        settings.home().create();
        try (Database db = Database.open(settings.home().database())) {
            journal = new JobJournal(db, Json.mapper());
            for (int i = 1; i <= 4; i++) {
                job("2026010" + i + "-000000-00000000000" + i, JobState.DONE, "c" + i);
            }
            assertEquals(List.of(), new BackupRetention(settings, journal)
                    .apply(journal.job("20260104-000000-000000000004").orElseThrow()));
            assertEquals(4, backups().size());
        }
    }
}
