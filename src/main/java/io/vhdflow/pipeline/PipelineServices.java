package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.store.Database;

import java.io.IOException;

/**
 * The plain-Java services of one running pipeline, opened for one home: database, journal,
 * catalog, and the stage services. Knows nothing of Camel; the Camel configuration binds adapters
 * over these.
 */
public final class PipelineServices implements AutoCloseable {
    private final Settings settings;
    private final HomeLock lock;
    private final Database db;
    private final ObjectMapper json;
    private final JobJournal journal;
    private final Catalog catalog;
    private final JobFailure failure;
    private final IntakeService intake;
    private final StageRunner runner;
    private final PipelineStages stages;

    private PipelineServices(Settings settings, HomeLock lock, Database db) {
        this.settings = settings;
        this.lock = lock;
        this.db = db;
        this.json = Json.mapper();
        this.journal = new JobJournal(db, json);
        this.catalog = new Catalog(db, json);
        this.failure = new JobFailure(settings.home(), journal, json);
        this.intake = new IntakeService(settings, journal, failure, json);
        this.runner = new StageRunner(journal);
        this.stages = new PipelineStages(settings, journal, catalog, new BackupService(settings, json),
                new VerificationService(), new PackagingService(settings, json), json);
    }

    /** Creates the home's folders, locks the home, and opens the database. */
    public static PipelineServices open(Settings settings) throws IOException {
        settings.home().create();
        HomeLock lock = HomeLock.acquire(settings.home());
        try {
            return new PipelineServices(settings, lock, Database.open(settings.home().database()));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    public ObjectMapper json() {
        return json;
    }

    public JobJournal journal() {
        return journal;
    }

    public Catalog catalog() {
        return catalog;
    }

    public JobFailure failure() {
        return failure;
    }

    public IntakeService intake() {
        return intake;
    }

    public StageRunner runner() {
        return runner;
    }

    public PipelineStages stages() {
        return stages;
    }

    @Override
    public void close() throws IOException {
        try {
            db.close();
        } finally {
            lock.close();
        }
    }
}
