package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.store.Database;
import io.vhdflow.testing.PostgresForClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code vhdflow.database.url} set, as on every worker of a scaled-out service, {@code vhdflow
 * jobs} and {@code vhdflow catalog} read the shared PostgreSQL database: every worker's jobs and the
 * one catalog, not the local home's (empty) SQLite file. Reading neither migrates nor creates
 * anything.
 */
class SharedDatabaseCliTest {
    @RegisterExtension
    static final PostgresForClass POSTGRES = new PostgresForClass();

    @TempDir
    Path home;

    private List<String> shared(String url, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--home", home.toString(), "--set", "vhdflow.database.url=" + url,
                "--set", "vhdflow.database.user=" + POSTGRES.get().user()));
        return a;
    }

    @Test
    void jobsAndCatalogReadTheSharedDatabase() throws Exception {
        String url = POSTGRES.get().newDatabase();
        try (Database db = Database.connect(url, POSTGRES.get().user(), "", 2)) {
            JobJournal journal = new JobJournal(db, Json.mapper(), Optional.of("worker-b"),
                    io.vhdflow.pipeline.CrashPoints.none());
            ImageMetadata meta = ImageMetadata.EMPTY.withDefaults("vhdflow", "web", "web.vhd");
            journal.createJob("20260101-000000-aaaaaaaaaaaa", Optional.empty(), "web.vhd", 1L << 30, meta);
            journal.startStage("20260101-000000-aaaaaaaaaaaa", Stage.BACKUP, 1L << 30);
            new Catalog(db, Json.mapper()).register(new ImageMetadata("prod", "ubuntu-24", "contoso", "ubuntu", "24_04",
                            null, "Ubuntu", null, null),
                    new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V2"), Optional.of("x64")),
                    CatalogCommandTest.version("ubuntu-24", "1.0.0", false, "a"));
        }

        Cli.Run jobs = Cli.run(shared(url, "jobs", "--json").toArray(String[]::new));
        assertEquals(0, jobs.exit(), jobs.err());
        JsonNode rows = Json.mapper().readTree(jobs.out());
        assertEquals(1, rows.size(), jobs.out());
        assertEquals("web.vhd", rows.get(0).path("source").asText(), rows.toString());
        assertEquals("running", rows.get(0).path("state").asText());

        Cli.Run show = Cli.run(shared(url, "jobs", "show", "20260101-000000-aaaaaaaaaaaa", "--json").toArray(String[]::new));
        assertEquals(0, show.exit(), show.err());
        assertEquals("backup", Json.mapper().readTree(show.out()).path("stage").asText(), show.out());

        Cli.Run list = Cli.run(shared(url, "catalog", "list", "--json").toArray(String[]::new));
        assertEquals(0, list.exit(), list.err());
        assertEquals("ubuntu-24", Json.mapper().readTree(list.out()).get(0).path("name").asText(), list.out());

        assertFalse(Files.exists(home.resolve("vhdflow.db")), "the local database is neither read nor created");
    }

    @Test
    void anUnreachableSharedDatabaseIsAnEnvironmentFailureWithoutAStackTrace() {
        Cli.Run r = Cli.run(shared("jdbc:postgresql://127.0.0.1:1/nowhere", "jobs").toArray(String[]::new));
        assertEquals(ExitCode.ENVIRONMENT, r.exit(), r.err());
        assertTrue(r.err().startsWith("vhdflow: shared database jdbc:postgresql://127.0.0.1:1/nowhere: cannot be reached"),
                r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
}
