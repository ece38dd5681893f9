package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.CatalogException;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.catalog.upload.GalleryVersionRequest;
import io.vhdflow.catalog.upload.PageBlobUploader;
import io.vhdflow.catalog.upload.UploadException;
import io.vhdflow.catalog.upload.UploadResult;
import io.vhdflow.catalog.upload.UploadSettings;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.Verdict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The work of each stage, in plain Java: what backing up, verifying, packaging and registering
 * mean for one job, and the bookkeeping steps between them (duplicate check, completion). Every
 * step is idempotent, reading what earlier stages recorded in the journal.
 */
public final class PipelineStages {
    private static final System.Logger LOG = System.getLogger(PipelineStages.class.getName());

    private final Settings settings;
    private final JobJournal journal;
    private final Catalog catalog;
    private final BackupService backup;
    private final VerificationService verification;
    private final PackagingService packaging;
    private final ObjectMapper json;
    private final Object versionLock = new Object();

    public PipelineStages(Settings settings, JobJournal journal, Catalog catalog, BackupService backup,
                          VerificationService verification, PackagingService packaging, ObjectMapper json) {
        this.settings = settings;
        this.journal = journal;
        this.catalog = catalog;
        this.backup = backup;
        this.verification = verification;
        this.packaging = packaging;
        this.json = json;
    }

    /** The original as dropped, in the job's work folder. */
    public Path original(JobRecord job) throws JobRejectedException {
        Path p = settings.home().jobWork(job.id()).resolve(job.sourceName());
        if (!Files.isRegularFile(p)) {
            throw new JobRejectedException(JobError.of("job.original-missing", "pipeline",
                    "the original " + job.sourceName() + " is no longer in " + p.getParent(),
                    "the job cannot continue; its backup (if any) is in backup/" + job.imageName() + "/" + job.id()
                            + "/. Drop the VHD again.", List.of()));
        }
        return p;
    }

    public StageWork backup() {
        return (job, progress) -> {
            BackupService.BackupResult r = backup.backup(job, original(job), progress);
            journal.setSourceSha256(job.id(), r.sha256());
            return r.outcome();
        };
    }

    /** After backup: content already registered makes the job a duplicate, ended without registering. */
    public void checkDuplicate(String jobId) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow();
        if (job.state().isFinal() || job.sourceSha256().isEmpty()) {
            return;
        }
        Optional<ImageVersionRecord> existing = catalog.findBySourceSha256(job.sourceSha256().get());
        if (existing.isPresent()) {
            finishAsDuplicate(job, existing.get());
        }
    }

    public StageWork verify() {
        return new StageWork() {
            @Override
            public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
                VerificationReport report = verification.verify(original(job), settings.verifyPolicy(),
                        settings.verifyWaivers());
                String reportJson = json.writeValueAsString(report);
                journal.setVerdict(job.id(), report.verdict().label());
                List<CheckResult> blocking = report.blocking(Category.CONTAINER);
                if (!blocking.isEmpty()) {
                    throw new JobRejectedException(JobError.of("image.not-azure-ready", Stage.VERIFY.id(),
                            job.sourceName() + " cannot be made Azure-ready: " + blocking.size()
                                    + " container check(s) failed",
                            blocking.get(0).remediation(), describe(blocking)));
                }
                if (report.verdict() == Verdict.NOT_GENERALIZED && !settings.registerSpecialized()) {
                    // The OS checks decide generalization; container checks were judged above.
                    List<CheckResult> must = report.failed(Severity.MUST).stream()
                            .filter(c -> c.category() != Category.CONTAINER).toList();
                    throw new JobRejectedException(JobError.of("image.not-generalized", Stage.VERIFY.id(),
                            job.sourceName() + " was not generalized: VMs created from it would fail with "
                                    + "OSProvisioningTimedOut",
                            "generalize the VM (Linux: 'waagent -deprovision+user' or 'cloud-init clean'; Windows: "
                                    + "Sysprep /generalize /oobe), capture it again and drop the new VHD; or set "
                                    + "vhdflow.verify.not-generalized=specialized to register it as Specialized",
                            describe(must.isEmpty() ? report.checks().stream().filter(CheckResult::failed).toList()
                                    : must)));
                }
                return StageOutcome.of(report.bytesRead(), 0, reportJson);
            }

            @Override
            public long bytesTotal(JobRecord job) {
                return 0;
            }
        };
    }

    public StageWork packageImage() {
        return (job, progress) -> {
            SemanticVersion version = assignVersion(job);
            String reportJson = journal.stageResult(job.id(), Stage.VERIFY)
                    .orElseThrow(() -> new IOException("no verification report recorded for job " + job.id()));
            PackagingService.PackageResult p = packaging.build(job, original(job), version,
                    json.readValue(reportJson, VerificationReport.class), progress);
            return StageOutcome.of(p.bytesRead(), p.bytesWritten(), json.writeValueAsString(p));
        };
    }

    public StageWork register() {
        return new StageWork() {
            @Override
            public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
                PackagingService.PackageResult p = json.readValue(journal.stageResult(job.id(), Stage.PACKAGE)
                                .orElseThrow(() -> new IOException("no package recorded for job " + job.id())),
                        PackagingService.PackageResult.class);
                VerificationReport report = json.readValue(journal.stageResult(job.id(), Stage.VERIFY).orElseThrow(),
                        VerificationReport.class);
                ImageFacts facts = new ImageFacts(report.facts().osType(),
                        report.verdict() == Verdict.GENERALIZED ? "Generalized" : "Specialized",
                        report.facts().hyperVGeneration(), report.facts().architecture());
                ImageVersionRecord record = new ImageVersionRecord(job.metadata().gallery(), job.imageName(),
                        SemanticVersion.parse(p.version()), Boolean.TRUE.equals(job.metadata().excludeFromLatest()),
                        job.metadata().endOfLife(), Instant.now().toString(),
                        p.directory(), p.virtualSize(), p.fileSize(), p.md5(), p.sha256(),
                        job.sourceSha256().orElseThrow(), report.verdict().label(), job.id())
                        .withDataBytes(p.dataBytes());
                Map<String, Object> result = new LinkedHashMap<>();
                long sent = 0;
                try {
                    boolean now = catalog.register(job.metadata(), facts, record);
                    result.put("registered", job.metadata().gallery() + "/" + job.imageName() + "/" + p.version());
                    result.put("osState", facts.osState());
                    result.put("alreadyRegistered", !now);
                    if (settings.upload().enabled()) {
                        Map<String, Object> up = upload(job, p, record, progress);
                        result.put("upload", up);
                        // Bytes read from the package and put to the blob, for the journal's throughput.
                        sent = (Long) up.get("bytesSent");
                    }
                } catch (CatalogException e) {
                    if (e.reason() == CatalogException.Reason.DUPLICATE_CONTENT) {
                        ImageVersionRecord existing = catalog.findBySourceSha256(record.sourceSha256()).orElseThrow();
                        packaging.remove(p);
                        finishAsDuplicate(journal.job(job.id()).orElseThrow(), existing);
                        result.put("duplicateOf", existing.gallery() + "/" + existing.image() + "/" + existing.version());
                    } else {
                        throw new JobRejectedException(JobError.of("catalog.refused", Stage.REGISTER.id(),
                                e.getMessage(), e.reason() == CatalogException.Reason.DUPLICATE_VERSION
                                        ? "name a new version in the sidecar (\"version\": \"1.2.3\") or leave it out "
                                        + "to get the next patch version, and drop the VHD again"
                                        : "use another image definition name in the sidecar, and drop the VHD again",
                                List.of()));
                    }
                }
                return StageOutcome.of(sent, sent, json.writeValueAsString(result));
            }

            @Override
            public long bytesTotal(JobRecord job) {
                if (!settings.upload().enabled()) {
                    return 0;
                }
                try {
                    return json.readTree(journal.stageResult(job.id(), Stage.PACKAGE).orElse("{}")).path("fileSize")
                            .asLong(0);
                } catch (IOException e) {
                    return 0;
                }
            }
        };
    }

    /**
     * Uploads a registered package as a page blob (resuming an interrupted upload), writes the
     * gallery request into the package and records the blob in the catalog.
     */
    private Map<String, Object> upload(JobRecord job, PackagingService.PackageResult p, ImageVersionRecord record,
                                       Progress progress) throws IOException, JobRejectedException {
        UploadSettings us = settings.upload();
        Path vhd = Path.of(p.directory()).resolve(p.vhd());
        String blobName = record.gallery() + "/" + record.image() + "/" + p.version() + "/" + p.vhd();
        UploadResult u;
        try {
            u = PageBlobUploader.connect(us).upload(vhd, blobName, p.md5Base64(), p.sha256(),
                    up -> progress.bytesDone(up.done()));
        } catch (IllegalArgumentException e) {
            throw new JobRejectedException(JobError.of("upload.misconfigured", Stage.REGISTER.id(), e.getMessage(),
                    "fix the vhdflow.upload.* settings (or VHDFLOW_UPLOAD_* variables) and retry the job", List.of()));
        } catch (UploadException e) {
            throw new JobRejectedException(JobError.of("upload.refused", Stage.REGISTER.id(), e.getMessage(),
                    "the version is registered but not uploaded; fix the blob as the message says and retry the job",
                    List.of()));
        }
        GalleryVersionRequest request = GalleryVersionRequest.of(record.gallery(), record.image(), p.version(),
                u.blobUri(), us, record.excludeFromLatest(), Optional.ofNullable(record.endOfLife()));
        Path requestFile = request.writeInto(Path.of(p.directory()), json);
        try {
            catalog.recordUpload(record.gallery(), record.image(), record.version(), u.blobUri(), Instant.now());
        } catch (CatalogException e) {
            throw new IOException(e.getMessage(), e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blobUri", u.blobUri());
        m.put("bytesSent", u.sent());
        m.put("bytesSkippedZero", u.skippedZero());
        m.put("bytesAlreadyPresent", u.alreadyPresent());
        m.put("puts", u.puts());
        m.put("resumed", u.resumed());
        m.put("alreadyComplete", u.alreadyComplete());
        m.put("contentMd5", u.contentMd5());
        m.put("seconds", u.seconds());
        m.put("galleryRequest", requestFile.toString());
        m.put("azCommand", request.azCommand());
        return m;
    }

    /** Last step: every stage done, so the original (safe in its verified backup) leaves the work area. */
    public void complete(String jobId) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow();
        if (job.state().isFinal()) {
            return;
        }
        removeWorkFolder(job);
        journal.finishJob(jobId, JobState.DONE, Optional.empty());
        LOG.log(System.Logger.Level.INFO, "job {0}: done, {1} {2} registered", jobId, job.imageName(),
                journal.job(jobId).flatMap(JobRecord::imageVersion).orElse("?"));
    }

    private void finishAsDuplicate(JobRecord job, ImageVersionRecord existing) throws IOException {
        removeWorkFolder(job);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", "image.duplicate");
        info.put("message", "the same content (SHA-256 " + existing.sourceSha256() + ") is already registered as "
                + existing.gallery() + "/" + existing.image() + " " + existing.version() + " by job "
                + existing.sourceJob());
        info.put("backup", backup.backupFile(job).toString());
        journal.finishJob(job.id(), JobState.DUPLICATE, Optional.of(json.writeValueAsString(info)));
        LOG.log(System.Logger.Level.INFO, "job {0}: duplicate of {1}/{2} {3}; not registered again", job.id(),
                existing.gallery(), existing.image(), existing.version());
    }

    /** Deletes the job's work folder; only ever after the backup stage recorded a verified copy. */
    private void removeWorkFolder(JobRecord job) throws IOException {
        if (!journal.isStageDone(job.id(), Stage.BACKUP)) {
            throw new IllegalStateException("refusing to remove the original of job " + job.id()
                    + " before its backup is verified");
        }
        Path work = settings.home().jobWork(job.id());
        if (Files.isDirectory(work)) {
            BackupService.deleteTree(work);
        }
    }

    /**
     * The version this job's image gets: the one already assigned to it (a resumed job keeps its
     * version), the sidecar's, or the next patch after every version registered or taken by a job
     * in progress.
     */
    SemanticVersion assignVersion(JobRecord job) throws JobRejectedException {
        synchronized (versionLock) {
            Optional<String> assigned = journal.job(job.id()).flatMap(JobRecord::imageVersion);
            if (assigned.isPresent()) {
                return SemanticVersion.parse(assigned.get());
            }
            String gallery = job.metadata().gallery();
            List<SemanticVersion> taken = new ArrayList<>();
            catalog.versions(gallery, job.imageName()).forEach(v -> taken.add(v.version()));
            for (JobRecord other : journal.activeJobsOfImage(job.imageName())) {
                if (!other.id().equals(job.id()) && gallery.equals(other.metadata().gallery())) {
                    other.imageVersion().map(SemanticVersion::parse).ifPresent(taken::add);
                }
            }
            SemanticVersion v;
            Optional<SemanticVersion> wanted = job.metadata().semanticVersion();
            if (wanted.isPresent()) {
                v = wanted.get();
                if (taken.contains(v)) {
                    throw new JobRejectedException(JobError.of("catalog.version-taken", Stage.PACKAGE.id(),
                            "version " + v + " of " + gallery + "/" + job.imageName()
                                    + " is already registered or being registered",
                            "name a new version in the sidecar, or leave \"version\" out to get the next patch "
                                    + "version, and drop the VHD again", List.of()));
                }
            } else {
                v = taken.stream().max(SemanticVersion::compareTo).map(SemanticVersion::nextPatch)
                        .orElse(new SemanticVersion(1, 0, 0));
            }
            journal.setImageVersion(job.id(), v.toString());
            return v;
        }
    }

    private static List<String> describe(List<CheckResult> checks) {
        List<String> out = new ArrayList<>();
        for (CheckResult c : checks) {
            out.add(c.id() + " " + c.title() + " [" + c.severity() + "]: " + String.join("; ", c.evidence()));
        }
        return out;
    }
}
