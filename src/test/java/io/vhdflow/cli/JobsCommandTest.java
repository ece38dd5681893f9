package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.HomeLock;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vhdflow jobs} reads a live home read-only, beside the service that holds its lock. */
class JobsCommandTest {

    private static Cli.Run run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "jobs";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.run(all);
    }

    @Test
    void showsProgressOfARunningStageWhileTheServiceHoldsTheHome(@TempDir Path dir) throws Exception {
        HomeLayout home = new HomeLayout(dir).create();
        try (HomeLock lock = HomeLock.acquire(home); Database db = Database.open(home.database())) {
            JobJournal journal = new JobJournal(db, Json.mapper());
            ImageMetadata meta = ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "big.vhd");
            journal.createJob("20260101-000000-aaaaaaaaaaaa", Optional.empty(), "big.vhd", 3L << 30, meta);
            journal.startStage("20260101-000000-aaaaaaaaaaaa", Stage.BACKUP, 3L << 30);
            journal.progress("20260101-000000-aaaaaaaaaaaa", Stage.BACKUP, (3L << 30) / 2);
            journal.createJob("20260101-000001-bbbbbbbbbbbb", Optional.empty(), "bad.vhd", 1 << 20, meta);
            journal.finishJob("20260101-000001-bbbbbbbbbbbb", JobState.FAILED,
                    Optional.of("{\"code\":\"image.invalid\",\"stage\":\"verify\",\"message\":\"footer damaged\"}"));

            Cli.Run text = run("--home", dir.toString());
            assertEquals(0, text.exit(), text.err());
            assertTrue(text.out().contains("backup 50% (1.5 GiB of 3.0 GiB)"), text.out());
            assertTrue(text.out().contains("failed: footer damaged"), text.out());

            Cli.Run json = run("--home", dir.toString(), "--state", "running", "--json");
            assertEquals(0, json.exit(), json.err());
            JsonNode rows = Json.mapper().readTree(json.out());
            assertEquals(1, rows.size());
            assertEquals("running", rows.get(0).path("state").asText());
            assertEquals((3L << 30) / 2, rows.get(0).path("stages").get(0).path("bytesDone").asLong());

            Cli.Run none = run("--home", dir.toString(), "--state", "duplicate");
            assertTrue(none.out().startsWith("no jobs in state duplicate"), none.out());
        }
    }

    @Test
    void readsAHomeWhoseServiceIsStopped(@TempDir Path dir) throws Exception {
        HomeLayout home = new HomeLayout(dir).create();
        try (Database db = Database.open(home.database())) {
            new JobJournal(db, Json.mapper()).createJob("20260101-000000-cccccccccccc", Optional.empty(), "a.vhd", 1,
                    ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "a.vhd"));
        }
        Cli.Run r = run("--home", dir.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("queued", Json.mapper().readTree(r.out()).get(0).path("state").asText());
    }

    @Test
    void badInputAndAMissingDatabaseAreClearErrors(@TempDir Path dir) {
        Cli.Run missing = run("--home", dir.resolve("nowhere").toString());
        assertEquals(ExitCode.ENVIRONMENT, missing.exit());
        assertTrue(missing.err().contains("does not exist: nothing has run in this home yet"), missing.err());
        assertTrue(!Files.exists(dir.resolve("nowhere")), "a look creates nothing");
        Cli.Run bogus = run("--home", dir.toString(), "--state", "bogus");
        assertEquals(ExitCode.USAGE, bogus.exit());
        assertTrue(bogus.err().startsWith("vhdflow: jobs: "), bogus.err());
        assertEquals(ExitCode.USAGE, run("--home", dir.toString(), "--limit", "0").exit());
    }
}
