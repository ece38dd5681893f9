package io.vhdflow.ops;

import io.vhdflow.catalog.Catalog;
import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Settings;
import io.vhdflow.store.Database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** A vhdflow home with its journal, catalog and intake on a real database: the ops services' world, without Camel. */
final class OpsHome implements AutoCloseable {
    final Settings settings;
    final Database db;
    final JobJournal journal;
    final Catalog catalog;
    final IntakeService intake;

    OpsHome(Path dir) throws IOException {
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

    /** Drops {@code bytes} as {@code name} (with a sidecar when given) and takes it in; returns the job id. */
    String takeIn(String name, byte[] bytes, Optional<String> sidecarJson) throws IOException {
        Path drop = settings.home().drop();
        if (sidecarJson.isPresent()) {
            Files.writeString(drop.resolve(name + ".json"), sidecarJson.get());
        }
        return intake.takeIn(Files.write(drop.resolve(name), bytes), Optional.empty()).orElseThrow();
    }

    @Override
    public void close() {
        db.close();
    }
}
