package io.vhdflow.store;

import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.CatalogException;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.JobClaims;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageOutcome;
import io.vhdflow.pipeline.StageState;
import io.vhdflow.testing.PostgresForClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared store on a real PostgreSQL (started for this class): the same Flyway migrations as
 * the embedded SQLite database, the journal's SQL on both, claims that two workers can never both
 * hold (and that a killed worker's session gives back), and registration that stays idempotent
 * when two workers race.
 */
class SharedStoreTest {
    @RegisterExtension
    static final PostgresForClass POSTGRES = new PostgresForClass();

    @TempDir
    Path dir;

    private Database connect(String url) throws Exception {
        return Database.connect(url, POSTGRES.get().user(), "", 6);
    }

    private static final ImageMetadata META = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "22_04-lts",
            null, "d", null, Map.of());
    private static final ImageFacts FACTS = new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V1"),
            Optional.of("x64"));

    private static ImageVersionRecord version(String v, String sha, String job) {
        return new ImageVersionRecord("gal", "ubuntu-22", SemanticVersion.parse(v), false, null, Instant.now().toString(),
                "/p", 1 << 20, (1 << 20) + 512, "m", "s" + sha, sha, "ready", job);
    }

    @Test
    void twoNodesStartingTogetherMigrateOnceToTheSameSchemaAsSqlite() throws Exception {
        String url = POSTGRES.get().newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opened.add(pool.submit(() -> connect(url)));
            }
            try (Database a = opened.get(0).get(60, TimeUnit.SECONDS);
                 Database b = opened.get(1).get(60, TimeUnit.SECONDS);
                 Database sqlite = Database.open(dir.resolve("v.db"))) {
                assertEquals(Database.Kind.POSTGRESQL, a.kind());
                // Every migration of the build, each once, in order (V1..V7 today).
                assertEquals(migrationVersions(), a.read(c -> strings(c.createStatement().executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))));
                for (String table : List.of("batches", "jobs", "stages", "job_claims", "nodes", "galleries",
                        "image_definitions", "image_versions", "job_disks", "job_disk_stages", "image_version_data_disks")) {
                    List<String> pg = b.read(c -> strings(c.createStatement().executeQuery(
                            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                                    + " AND table_name = '" + table + "'")));
                    List<String> lite = sqlite.read(c -> strings(c.createStatement().executeQuery(
                            "SELECT name FROM pragma_table_info('" + table + "')")));
                    Set<String> onPostgres = new TreeSet<>(pg);
                    Set<String> onSqlite = new TreeSet<>(lite);
                    assertFalse(onSqlite.isEmpty(), table);
                    assertEquals(onSqlite, onPostgres, "columns of " + table);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theJournalsStatementsRunOnPostgresql() throws Exception {
        try (Database db = connect(POSTGRES.get().newDatabase())) {
            JobJournal journal = new JobJournal(db, Json.mapper());
            journal.createBatch("b1", Instant.now());
            journal.createJob("j1", Optional.of("b1"), "web.vhd", 1 << 20, META);
            journal.closeBatch("b1", 1);
            journal.startStage("j1", Stage.BACKUP, 1000);
            journal.progress("j1", Stage.BACKUP, 400);
            journal.startStage("j1", Stage.BACKUP, 1000);
            journal.completeStage("j1", Stage.BACKUP, StageOutcome.of(1000, 1000, "{\"ok\":true}"));
            journal.setSourceSha256("j1", "abc");
            journal.startStage("j1", Stage.VERIFY, 0);
            journal.failStage("j1", Stage.VERIFY, "cut off");
            var stages = journal.stages("j1");
            assertEquals(StageState.DONE, stages.get(0).state());
            assertEquals(2, stages.get(0).attempts(), "the second start counts a second attempt");
            assertEquals(1000, stages.get(0).bytesDone(), "bytes done brought up to the total on completion");
            assertEquals(StageState.FAILED, stages.get(1).state());
            assertEquals(List.of("j1"), journal.unfinishedJobs().stream().map(j -> j.id()).toList());
            journal.finishJob("j1", JobState.FAILED, Optional.of("{}"));
            assertTrue(journal.requeueFailed("j1"));
            assertFalse(journal.requeueFailed("j1"), "of two retries only one succeeds");
            assertEquals(1, journal.countByState().get(JobState.QUEUED));
            assertEquals(1, journal.batches(10).get(0).jobs().get(JobState.QUEUED));
        }
    }

    @Test
    void aJobIsClaimedByOneWorkerAtATimeAndTheNodeIsRecorded() throws Exception {
        String url = POSTGRES.get().newDatabase();
        try (Database a = connect(url); Database b = connect(url)) {
            JobJournal journal = new JobJournal(a, Json.mapper());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add("job-" + i);
                journal.createJob("job-" + i, Optional.empty(), "x.vhd", 1, META);
            }
            JobClaims nodeA = new JobClaims(a, "node-a");
            JobClaims nodeB = new JobClaims(b, "node-b");
            // Both nodes race for every job at the same moment; exactly one may win each.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<JobClaims.Claim> held = new ArrayList<>();
            try {
                for (String id : ids) {
                    CyclicBarrier together = new CyclicBarrier(2);
                    Callable<Optional<JobClaims.Claim>> byA = () -> { together.await(); return nodeA.claim(id); };
                    Callable<Optional<JobClaims.Claim>> byB = () -> { together.await(); return nodeB.claim(id); };
                    Future<Optional<JobClaims.Claim>> fa = pool.submit(byA);
                    Future<Optional<JobClaims.Claim>> fb = pool.submit(byB);
                    Optional<JobClaims.Claim> ca = fa.get(30, TimeUnit.SECONDS);
                    Optional<JobClaims.Claim> cb = fb.get(30, TimeUnit.SECONDS);
                    assertEquals(1, (ca.isPresent() ? 1 : 0) + (cb.isPresent() ? 1 : 0), "claims of " + id);
                    String winner = ca.isPresent() ? "node-a" : "node-b";
                    assertEquals(Optional.of(winner), journal.job(id).orElseThrow().nodeId());
                    ca.ifPresent(held::add);
                    cb.ifPresent(held::add);
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(nodeA.claim("job-0").isEmpty() && nodeB.claim("job-0").isEmpty(), "held claims hold");
            held.forEach(JobClaims.Claim::close);
            try (JobClaims.Claim again = nodeB.claim("job-0").orElseThrow()) {
                assertTrue(nodeA.claim("job-0").isEmpty());
            }
        }
    }

    @Test
    void aKilledWorkersClaimIsReleasedByTheServer() throws Exception {
        String url = POSTGRES.get().newDatabase();
        try (Database db = connect(url)) {
            new JobJournal(db, Json.mapper()).createJob("j1", Optional.empty(), "x.vhd", 1, META);
            JobClaims claims = new JobClaims(db, "survivor");
            // Another process takes the claim the way a worker does, then is killed with SIGKILL.
            String conn = "postgresql://" + POSTGRES.get().user() + "@" + url.substring("jdbc:postgresql://".length());
            Process worker = new ProcessBuilder(POSTGRES.get().psql().toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", conn)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("psql.log").toFile()).start();
            try (Writer in = new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8)) {
                // FOR UPDATE without SKIP LOCKED: it waits while this test's own probing claim holds the row.
                in.write("BEGIN;\nSELECT job_id FROM job_claims WHERE job_id = 'j1' FOR UPDATE;\n");
                in.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean heldElsewhere = false;
                while (System.nanoTime() < deadline && !heldElsewhere) {
                    Optional<JobClaims.Claim> c = claims.claim("j1");
                    heldElsewhere = c.isEmpty();
                    c.ifPresent(JobClaims.Claim::close);
                    if (!heldElsewhere) {
                        Thread.sleep(50);
                    }
                }
                assertTrue(heldElsewhere, () -> "the other process holds the claim: " + read(dir.resolve("psql.log")));
                worker.destroyForcibly();
                assertTrue(worker.waitFor(10, TimeUnit.SECONDS));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Optional<JobClaims.Claim> taken = Optional.empty();
            while (System.nanoTime() < deadline && taken.isEmpty()) {
                taken = claims.claim("j1");
                if (taken.isEmpty()) {
                    Thread.sleep(50);
                }
            }
            assertTrue(taken.isPresent(), "the killed worker's claim was given back");
            taken.get().close();
        }
    }

    @Test
    void workersRacingToRegisterTheSameJobOrContentRegisterItOnce() throws Exception {
        String url = POSTGRES.get().newDatabase();
        try (Database a = connect(url); Database b = connect(url)) {
            Catalog ca = new Catalog(a, Json.mapper());
            Catalog cb = new Catalog(b, Json.mapper());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 10; round++) {
                    // The same job's stage re-run on two workers: registered once, the other says "already".
                    ImageVersionRecord same = version("1.0." + (2 * round), "sha-" + round, "job-" + round);
                    List<Object> outcomes = race(pool, () -> ca.register(META, FACTS, same),
                            () -> cb.register(META, FACTS, same));
                    assertEquals(1, outcomes.stream().filter(Boolean.TRUE::equals).count(), "round " + round
                            + ": " + outcomes);
                    assertEquals(1, outcomes.stream().filter(Boolean.FALSE::equals).count(), "round " + round
                            + ": " + outcomes);
                    // Two jobs with the same content: one registers, the other is a duplicate.
                    ImageVersionRecord first = version("1.0." + (2 * round + 1), "twin-" + round, "a-" + round);
                    ImageVersionRecord second = version("1.1." + round, "twin-" + round, "b-" + round);
                    outcomes = race(pool, () -> ca.register(META, FACTS, first), () -> cb.register(META, FACTS, second));
                    assertEquals(1, outcomes.stream().filter(Boolean.TRUE::equals).count(), "round " + round
                            + ": " + outcomes);
                    assertEquals(1, outcomes.stream().filter(o -> o instanceof CatalogException e
                            && e.reason() == CatalogException.Reason.DUPLICATE_CONTENT).count(), "round " + round
                            + ": " + outcomes);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(20, ca.versions("gal", "ubuntu-22").size());
        }
    }

    @FunctionalInterface
    private interface Registration {
        boolean run() throws Exception;
    }

    /** Runs both at the same moment; each outcome is the boolean returned or the exception thrown. */
    private static List<Object> race(ExecutorService pool, Registration x, Registration y) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Object>> f = new ArrayList<>();
        for (Registration r : List.of(x, y)) {
            f.add(pool.submit(() -> {
                together.await();
                try {
                    return (Object) r.run();
                } catch (CatalogException e) {
                    return e;
                }
            }));
        }
        List<Object> out = new ArrayList<>();
        for (Future<Object> each : f) {
            out.add(each.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static List<String> strings(ResultSet rs) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The versions of the migration files the build ships (db/migration/V<n>__*.sql), in order. */
    private static List<String> migrationVersions() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }
}
