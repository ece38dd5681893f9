package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.store.Database;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22 item 3: a job failing on a full disk must still end FAILED with its reason, its folder
 * in failed/ and a whole error.json. The home is a small tmpfs filled to the last byte, so the error
 * files and the journal meet a real ENOSPC.
 */
class JobFailureDiskFullTest {
    private static final String JOB = "20260101-000000-aaaaaaaaaaaa";

    @TempDir
    Path dir;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor() == 0;
        ExternalTools.require(mounted, "mounting a 24 MiB tmpfs (root, mount) to fill a disk for real");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", dir.toString()).start().waitFor();
        }
    }

    private static void fill(Path disk) {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // No space left on device: the disk is full.
        }
    }

    @Test
    void onAFullDiskTheFailureIsRecordedWithTheReserveAndTheJobEndsFailed() throws Exception {
        HomeLayout home = new HomeLayout(dir.resolve("home")).create();
        try (Database db = Database.open(home.database())) {
            JobJournal journal = new JobJournal(db, Json.mapper());
            journal.createJob(JOB, Optional.empty(), "web.vhd", 1 << 20,
                    ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "web.vhd"));
            journal.startStage(JOB, Stage.PACKAGE, 1 << 20);
            Files.createDirectories(home.jobWork(JOB));
            Files.writeString(home.jobWork(JOB).resolve("web.vhd"), "the original");
            SpaceReserve reserve = SpaceReserve.ensure(home);
            assertTrue(Files.size(home.home().resolve(SpaceReserve.FILE)) == SpaceReserve.BYTES);
            fill(dir);
            JobError error = JobError.of("disk.full", "package", "No space left on device", "free space", List.of());

            // Without a reserve, recording fails as in the issue: the job would stay running.
            assertThrows(IOException.class, () -> new JobFailure(home, journal, Json.mapper()).fail(JOB, error));
            assertFalse(Files.exists(home.jobFailed(JOB).resolve("error.json")), "no empty or cut error.json");

            new JobFailure(home, journal, Json.mapper(), reserve).fail(JOB, error);
            JobRecord job = journal.job(JOB).orElseThrow();
            assertEquals(JobState.FAILED, job.state());
            assertTrue(journal.stages(JOB).stream().noneMatch(s -> s.state() == StageState.RUNNING));
            JsonNode written = Json.mapper().readTree(home.jobFailed(JOB).resolve("error.json").toFile());
            assertEquals("disk.full", written.path("code").asText());
            assertEquals("the original", Files.readString(home.jobFailed(JOB).resolve("web.vhd")));
            assertFalse(Files.exists(home.jobWork(JOB)));
        }
    }
}
