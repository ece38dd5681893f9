package io.vhdflow.testing;

import io.vhdflow.catalog.Catalog;
import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Settings;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;

/**
 * A vhdflow home in a temporary folder with its database, journal, catalog and intake open: the
 * world of the plain services, for tests without Camel. Registered with
 * {@code @RegisterExtension}, it is opened before each test and closed and removed after it.
 */
public final class TestHome implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private Settings settings;
    private Database db;
    private JobJournal journal;
    private Catalog catalog;
    private IntakeService intake;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("vhdflow-test-home");
        Properties p = new Properties();
        p.setProperty("vhdflow.home", dir.toString());
        settings = Settings.from(p);
        settings.home().create();
        db = Database.open(settings.home().database());
        journal = new JobJournal(db, Json.mapper());
        catalog = new Catalog(db, Json.mapper());
        intake = new IntakeService(settings, journal, new JobFailure(settings.home(), journal, Json.mapper()),
                Json.mapper());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        db.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** The journal of multi-disk jobs' disks, on the same database. */
    public io.vhdflow.pipeline.DiskJournal disks() {
        return new io.vhdflow.pipeline.DiskJournal(db);
    }

    /** The home folder itself. */
    public Path dir() {
        return dir;
    }

    public Settings settings() {
        return settings;
    }

    public JobJournal journal() {
        return journal;
    }

    public Catalog catalog() {
        return catalog;
    }

    public IntakeService intake() {
        return intake;
    }

    /** Drops {@code bytes} as {@code name} (with a sidecar when given) and takes it in; returns the job id. */
    public String takeIn(String name, byte[] bytes, Optional<String> sidecarJson) throws IOException {
        Path drop = settings.home().drop();
        if (sidecarJson.isPresent()) {
            Files.writeString(drop.resolve(name + ".json"), sidecarJson.get());
        }
        return intake.takeIn(Files.write(drop.resolve(name), bytes), Optional.empty()).orElseThrow();
    }
}
