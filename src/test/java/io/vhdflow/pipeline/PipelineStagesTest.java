package io.vhdflow.pipeline;

import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stage classes' own rules, in plain Java on a real journal: no Camel, no image. */
class PipelineStagesTest {
    @RegisterExtension
    final TestHome home = new TestHome();
    Settings settings;
    JobJournal journal;
    JobWorkFolder workFolder;
    PackageStage packageStage;
    JobCompletion completion;

    @BeforeEach
    void setUp() {
        settings = home.settings();
        journal = home.journal();
        workFolder = new JobWorkFolder(settings.home(), journal);
        packageStage = new PackageStage(journal, home.catalog(), new PackagingService(settings, Json.mapper()),
                workFolder, Json.mapper(), home.disks(), new DiskStageRunner(home.disks(), Json.mapper(), 1));
        completion = new JobCompletion(journal, workFolder, new BackupRetention(settings, journal));
    }

    private JobRecord job(String id, String sidecarJson) throws Exception {
        ImageMetadata m = Json.mapper().readValue(sidecarJson, ImageMetadata.class)
                .withDefaults("vhdflow", "vhdflow", "web.vhd");
        journal.createJob(id, Optional.empty(), "web.vhd", 1, m);
        Files.createDirectories(settings.home().jobWork(id));
        Files.write(settings.home().jobWork(id).resolve("web.vhd"), new byte[] {1});
        return journal.job(id).orElseThrow();
    }

    @Test
    void versionsAreTheNextPatchAfterEveryOneTakenAndAResumedJobKeepsItsOwn() throws Exception {
        JobRecord first = job("job-1", "{}");
        JobRecord second = job("job-2", "{}");
        assertEquals("1.0.0", packageStage.assignVersion(first).toString());
        assertEquals("1.0.1", packageStage.assignVersion(second).toString(), "1.0.0 is taken by job-1 in progress");
        assertEquals("1.0.0", packageStage.assignVersion(first).toString(), "resumed: the same version again");
        assertEquals(Optional.of("1.0.1"), journal.job("job-2").orElseThrow().imageVersion());

        JobRecord wantsTaken = job("job-3", "{\"version\": \"1.0.1\"}");
        JobRejectedException e = assertThrows(JobRejectedException.class, () -> packageStage.assignVersion(wantsTaken));
        assertEquals("catalog.version-taken", e.error().code());
        assertEquals("package", e.error().stage());
        JobRecord wantsFree = job("job-4", "{\"version\": \"2.5.0\"}");
        assertEquals("2.5.0", packageStage.assignVersion(wantsFree).toString());
    }

    @Test
    void theOriginalIsRemovedOnlyAfterAVerifiedBackup() throws Exception {
        JobRecord j = job("job-1", "{}");
        assertEquals(settings.home().jobWork("job-1").resolve("web.vhd"), workFolder.original(j));
        assertThrows(IllegalStateException.class, () -> completion.run("job-1"));
        assertTrue(Files.isRegularFile(workFolder.original(j)), "no backup recorded: the original stays");

        journal.startStage("job-1", Stage.BACKUP, 1);
        journal.completeStage("job-1", Stage.BACKUP, StageOutcome.of(1, 1, "{}"));
        completion.run("job-1");
        assertFalse(Files.exists(settings.home().jobWork("job-1")));
        assertEquals(JobState.DONE, journal.job("job-1").orElseThrow().state());
        JobRejectedException e = assertThrows(JobRejectedException.class, () -> workFolder.original(j));
        assertEquals("job.original-missing", e.error().code());
        completion.run("job-1"); // a final job is left as it is
        assertEquals(JobState.DONE, journal.job("job-1").orElseThrow().state());
    }
}
