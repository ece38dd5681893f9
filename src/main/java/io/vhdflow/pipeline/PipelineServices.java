package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.data.DataDiskVerification;
import io.vhdflow.store.Database;

import java.io.IOException;
import java.util.Optional;

/**
 * The plain-Java services of one running pipeline, opened for one home: database, journal,
 * catalog, and one service per pipeline stage. Knows nothing of Camel; the Camel configuration binds adapters
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
    private final FetchStage fetchStage;
    private final BackupStage backupStage;
    private final DuplicateCheck duplicateCheck;
    private final VerifyStage verifyStage;
    private final PackageStage packageStage;
    private final RegisterStage registerStage;
    private final JobCompletion completion;
    private final DiskJournal diskJournal;
    private final FolderIntake folderIntake;
    private final JobClaims claims;
    private final Nodes nodes;

    private PipelineServices(Settings settings, HomeLock lock, Database db) {
        this.settings = settings;
        this.lock = lock;
        this.db = db;
        this.json = Json.mapper();
        String node = settings.scaleOut().nodeId();
        this.journal = new JobJournal(db, json, Optional.of(node), CrashPoints.fromSystemProperty(settings.home()));
        this.claims = new JobClaims(db, node);
        this.nodes = new Nodes(db, node, settings.scaleOut().resumePeriod());
        this.catalog = new Catalog(db, json);
        this.failure = new JobFailure(settings.home(), journal, json, SpaceReserve.ensure(settings.home()));
        this.intake = new IntakeService(settings, journal, failure, json);
        this.runner = new StageRunner(journal);
        // One budget for every data pass of every job: backup passes and packaging re-conversions.
        DataPassBudget budget = new DataPassBudget(settings.dataPath());
        BackupService backup = new BackupService(settings, json, budget);
        PackagingService packaging = new PackagingService(settings, json, budget);
        JobWorkFolder workFolder = new JobWorkFolder(settings.home(), journal);
        this.fetchStage = new FetchStage(settings.home(), journal, new io.vhdflow.source.BlobFetcher(settings.fetch(),
                json, System.getenv()), settings.fetch(), json);
        this.diskJournal = new DiskJournal(db);
        DiskStageRunner diskRunner = new DiskStageRunner(diskJournal, json, settings.diskParallelism());
        VerificationService verification = new VerificationService();
        DataDiskVerification dataDisks = new DataDiskVerification(verification, ScanBudget.DEFAULT);
        this.folderIntake = new FolderIntake(settings, journal, diskJournal, failure, intake,
                dataDisks::operatingSystems, json, settings.folderGrowthLimit());
        this.backupStage = new BackupStage(backup, workFolder, journal, diskJournal, diskRunner, json);
        this.duplicateCheck = new DuplicateCheck(journal, catalog, backup, workFolder, json);
        this.verifyStage = new VerifyStage(settings, journal, verification, workFolder, json, diskJournal, diskRunner,
                dataDisks);
        this.packageStage = new PackageStage(journal, catalog, packaging, workFolder, json, diskJournal, diskRunner);
        this.registerStage = new RegisterStage(settings, journal, catalog, packaging, duplicateCheck, json,
                diskJournal, diskRunner);
        this.completion = new JobCompletion(journal, workFolder, new BackupRetention(settings, journal));
    }

    /**
     * Creates the home's folders, locks the home (this node's; several nodes share the data folder
     * and the database, never a home), and opens the database: the shared PostgreSQL one when
     * configured, else the embedded file in the home.
     */
    public static PipelineServices open(Settings settings) throws IOException {
        settings.home().create();
        HomeLock lock = HomeLock.acquire(settings.home());
        try {
            Optional<ScaleOut.SharedDatabase> shared = settings.scaleOut().database();
            Database db = shared.isPresent()
                    ? Database.connect(shared.get().url(), shared.get().user(), shared.get().password(),
                    settings.concurrency() + 4)
                    : Database.open(settings.home().database());
            return new PipelineServices(settings, lock, db);
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

    public DiskJournal diskJournal() {
        return diskJournal;
    }

    public FolderIntake folderIntake() {
        return folderIntake;
    }

    public StageRunner runner() {
        return runner;
    }

    public FetchStage fetchStage() {
        return fetchStage;
    }

    public BackupStage backupStage() {
        return backupStage;
    }

    public DuplicateCheck duplicateCheck() {
        return duplicateCheck;
    }

    public VerifyStage verifyStage() {
        return verifyStage;
    }

    public PackageStage packageStage() {
        return packageStage;
    }

    public RegisterStage registerStage() {
        return registerStage;
    }

    public JobCompletion completion() {
        return completion;
    }

    public JobClaims claims() {
        return claims;
    }

    public Nodes nodes() {
        return nodes;
    }

    /** The journal's and catalog's database: for health. */
    public Database database() {
        return db;
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
