package io.vhdflow.pipeline;

import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22, item 8: two copies of the same content processed at once were both packaged, the second caught only at
 * register. The duplicate check after backup now also knows the content in progress in another job.
 */
class DuplicateCheckTest {
    @TempDir
    Path dir;

    /** A job whose backup stage completed with content {@code sha}, its work folder still holding the original. */
    private static void backedUp(JobJournal journal, Settings s, String id, String sha) throws Exception {
        journal.createJob(id, Optional.empty(), "web.vhd", 1,
                ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "web.vhd"));
        journal.startStage(id, Stage.BACKUP, 1);
        journal.setSourceSha256(id, sha);
        journal.completeStage(id, Stage.BACKUP, StageOutcome.of(1, 1, "{}"));
        Path work = s.home().jobWork(id);
        Files.createDirectories(work);
        Files.write(work.resolve("web.vhd"), new byte[] {1});
    }

    @Test
    void theCopyWhoseBackupCompletedSecondIsADuplicateBeforePackaging() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", dir.toString());
        Settings s = Settings.from(p);
        s.home().create();
        try (Database db = Database.open(s.home().database())) {
            JobJournal journal = new JobJournal(db, Json.mapper());
            JobWorkFolder work = new JobWorkFolder(s.home(), journal);
            DuplicateCheck check = new DuplicateCheck(journal, new Catalog(db, Json.mapper()),
                    new BackupService(s, Json.mapper()), work, Json.mapper());
            // The later-created job finishes its backup first: it holds the content.
            String second = "20260102-000000-000000000002";
            String first = "20260101-000000-000000000001";
            backedUp(journal, s, second, "ab".repeat(32));
            Thread.sleep(5); // backups completing at distinct instants
            backedUp(journal, s, first, "ab".repeat(32));
            backedUp(journal, s, "20260103-000000-000000000003", "cd".repeat(32));

            // Checked in either order, the outcome is the same.
            check.run(first);
            check.run(second);
            check.run("20260103-000000-000000000003");

            assertEquals(JobState.DUPLICATE, journal.job(first).orElseThrow().state());
            String error = journal.job(first).orElseThrow().errorJson().orElseThrow();
            assertTrue(error.contains("being processed by job " + second), error);
            assertFalse(Files.exists(s.home().jobWork(first)), "the duplicate's work folder goes");
            assertEquals(JobState.RUNNING, journal.job(second).orElseThrow().state());
            assertTrue(Files.exists(s.home().jobWork(second)));
            assertEquals(JobState.RUNNING, journal.job("20260103-000000-000000000003").orElseThrow().state(),
                    "other content is no duplicate");
            try (var packages = Files.list(s.home().packages())) {
                assertEquals(0, packages.count(), "nothing packaged, no folder made");
            }

            // Once the holder has ended (failed, say), the same content is no longer in progress.
            journal.finishJob(second, JobState.FAILED, Optional.empty());
            assertEquals(java.util.List.of(), journal.inProgressWithContent("ab".repeat(32)));
        }
    }
}
