package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.CatalogException;
import io.vhdflow.catalog.DataDiskImage;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.catalog.upload.GalleryVersionRequest;
import io.vhdflow.catalog.upload.PageBlobUploader;
import io.vhdflow.catalog.upload.UploadException;
import io.vhdflow.catalog.upload.UploadResult;
import io.vhdflow.catalog.upload.UploadSettings;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.Verdict;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The register stage: records the package in the catalog with the facts verification detected
 * and, when uploads are on, uploads it as a page blob and writes the gallery request beside it.
 * Content the catalog already holds (registered by another job in the meantime) ends the job as a
 * duplicate and removes its package.
 */
public final class RegisterStage implements StageWork {
    private final Settings settings;
    private final JobJournal journal;
    private final Catalog catalog;
    private final PackagingService packaging;
    private final DuplicateCheck duplicates;
    private final ObjectMapper json;
    private final DiskJournal disks;
    private final DiskStageRunner diskRunner;

    public RegisterStage(Settings settings, JobJournal journal, Catalog catalog, PackagingService packaging,
                         DuplicateCheck duplicates, ObjectMapper json, DiskJournal disks, DiskStageRunner diskRunner) {
        this.disks = disks;
        this.diskRunner = diskRunner;
        this.settings = settings;
        this.journal = journal;
        this.catalog = catalog;
        this.packaging = packaging;
        this.duplicates = duplicates;
        this.json = json;
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        PackagingService.PackageResult p = json.readValue(journal.stageResult(job.id(), Stage.PACKAGE)
                        .orElseThrow(() -> new IOException("no package recorded for job " + job.id())),
                PackagingService.PackageResult.class);
        VerificationReport report = json.readValue(journal.stageResult(job.id(), Stage.VERIFY).orElseThrow(),
                VerificationReport.class);
        ImageFacts facts = new ImageFacts(report.facts().osType(),
                report.verdict() == Verdict.READY ? "Generalized" : "Specialized",
                report.facts().hyperVGeneration(), report.facts().architecture());
        ImageVersionRecord record = new ImageVersionRecord(job.metadata().gallery(), job.imageName(),
                SemanticVersion.parse(p.version()), Boolean.TRUE.equals(job.metadata().excludeFromLatest()),
                job.metadata().endOfLife(), Instant.now().toString(),
                p.directory(), p.virtualSize(), p.fileSize(), p.md5().orElse(""), p.sha256().orElse(""),
                job.sourceSha256().orElseThrow(), report.verdict().label(), job.id())
                .withDataBytes(p.dataBytes())
                .withDigests(p.digests().isEmpty() ? List.of("md5", "sha256") : p.digests(), p.integrity());
        Map<String, Object> result = new LinkedHashMap<>();
        long sent = 0;
        try {
            List<DataDiskImage> dataImages = p.dataDisks().stream().map(d -> new DataDiskImage(d.lun(), d.hostCaching(),
                    d.vhd(), d.virtualSize(), d.fileSize(), Optional.of(d.dataBytes()), d.md5().orElse(""),
                    d.sha256().orElse(""), d.sourceSha256(), Optional.<String>empty(), Optional.of(d.integrity())))
                    .toList();
            boolean now = catalog.register(job.metadata(), facts, record, dataImages);
            journal.reached(job.id(), "REGISTER.registered");
            if (!dataImages.isEmpty()) {
                result.put("dataDiskImages", dataImages.stream().map(d -> Map.of("lun", d.lun(), "hostCaching",
                        d.hostCaching(), "vhd", d.vhd())).toList());
            }
            result.put("registered", job.metadata().gallery() + "/" + job.imageName() + "/" + p.version());
            if (p.sbom() != null && now) {
                String sbom = java.nio.file.Path.of(p.directory()).resolve(p.sbom()).toString();
                catalog.recordSbom(record.gallery(), record.image(), record.version(), sbom);
                result.put("sbom", sbom);
            }
            result.put("osState", facts.osState());
            result.put("alreadyRegistered", !now);
            if (!settings.upload().enabled()) {
                for (JobDisk d : disks.disks(job.id())) {
                    disks.start(job.id(), d.diskNo(), Stage.REGISTER, 0);
                    disks.complete(job.id(), d.diskNo(), Stage.REGISTER, json.writeValueAsString(Map.of("registered",
                            d.isOs() ? "osDiskImage" : "dataDiskImages LUN " + d.lun().orElseThrow())));
                }
            } else {
                Map<String, Object> up = upload(job, p, record, progress);
                result.put("upload", up);
                // Bytes read from the package and put to the blob, for the journal's throughput.
                sent = (Long) up.get("bytesSent");
            }
        } catch (CatalogException e) {
            if (e.reason() == CatalogException.Reason.DUPLICATE_CONTENT) {
                ImageVersionRecord existing = catalog.findBySourceSha256(record.sourceSha256()).orElseThrow();
                packaging.remove(p);
                duplicates.finishAsDuplicate(journal.job(job.id()).orElseThrow(), existing);
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

    /** With uploads on, progress counts the package's bytes; registering alone has none to count. */
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

    /**
     * Uploads a registered package as a page blob (resuming an interrupted upload), writes the
     * gallery request into the package and records the blob in the catalog.
     */
    private Map<String, Object> upload(JobRecord job, PackagingService.PackageResult p, ImageVersionRecord record,
                                       Progress progress) throws IOException, JobRejectedException {
        UploadSettings us = settings.upload();
        Path dir = Path.of(p.directory());
        String prefix = record.gallery() + "/" + record.image() + "/" + p.version() + "/";
        List<DiskUpload> dataUploads = uploadDataDisks(job, p, dir, prefix);
        Optional<JobDisk> os = disks.disks(job.id()).stream().filter(JobDisk::isOs).findFirst();
        os.ifPresent(d -> disks.start(job.id(), d.diskNo(), Stage.REGISTER, p.fileSize()));
        // The package's identity on the blob: its data tree digest (its SHA-256 for packages made before).
        String identity = p.integrity().or(p::sha256).orElseThrow(() -> new IOException(
                "package " + p.vhd() + " records neither a data tree digest nor a SHA-256"));
        UploadResult u = put(dir.resolve(p.vhd()), prefix + p.vhd(), p.md5Base64(), identity, up -> {
            progress.bytesDone(up.done());
            if (up.sent() > 0 && up.done() < up.total()) {
                journal.reached(job.id(), "REGISTER.blob-partial");  // some pages put, not all
            }
        });
        journal.reached(job.id(), "REGISTER.blob-written");
        GalleryVersionRequest request = GalleryVersionRequest.of(record.gallery(), record.image(), p.version(),
                u.blobUri(), us, record.excludeFromLatest(), Optional.ofNullable(record.endOfLife()))
                .withDataDisks(dataUploads.stream().map(d -> new GalleryVersionRequest.DataDiskSource(d.lun(),
                        d.hostCaching(), d.blobUri())).toList());
        Path requestFile = request.writeInto(dir, json);
        try {
            for (DiskUpload d : dataUploads) {
                catalog.recordDataDiskUpload(record.gallery(), record.image(), record.version(), d.lun(), d.blobUri());
            }
            // Last: the version counts as uploaded only once every one of its disks is.
            catalog.recordUpload(record.gallery(), record.image(), record.version(), u.blobUri(), Instant.now());
        } catch (CatalogException e) {
            throw new IOException(e.getMessage(), e);
        }
        journal.reached(job.id(), "REGISTER.upload-recorded");
        if (os.isPresent()) {
            disks.complete(job.id(), os.get().diskNo(), Stage.REGISTER, json.writeValueAsString(Map.of("blobUri",
                    u.blobUri(), "bytesSent", u.sent())));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blobUri", u.blobUri());
        m.put("bytesSent", u.sent() + dataUploads.stream().mapToLong(DiskUpload::bytesSent).sum());
        m.put("bytesSkippedZero", u.skippedZero());
        m.put("bytesAlreadyPresent", u.alreadyPresent());
        m.put("puts", u.puts());
        m.put("resumed", u.resumed());
        m.put("alreadyComplete", u.alreadyComplete());
        m.put("contentMd5", u.contentMd5());
        m.put("seconds", u.seconds());
        if (!dataUploads.isEmpty()) {
            m.put("osDiskBytesSent", u.sent());
            m.put("dataDisks", dataUploads);
        }
        m.put("galleryRequest", requestFile.toString());
        m.put("azCommand", request.azCommand());
        return m;
    }

    /** One data disk's upload, as recorded per disk. */
    public record DiskUpload(int lun, String hostCaching, String vhd, String blobUri, long bytesSent,
                             long bytesSkippedZero, long bytesAlreadyPresent, boolean resumed, String contentMd5) {
    }

    /** A VM image's data disks, each to its own page blob, up to the disk parallelism at once. */
    private List<DiskUpload> uploadDataDisks(JobRecord job, PackagingService.PackageResult p, Path dir, String prefix)
            throws IOException, JobRejectedException {
        List<JobDisk> data = disks.disks(job.id()).stream().filter(d -> !d.isOs()).toList();
        if (data.isEmpty() || p.dataDisks().isEmpty()) {
            return List.of();
        }
        Map<Integer, PackagingService.PackagedDataDisk> byLun = new java.util.HashMap<>();
        p.dataDisks().forEach(d -> byLun.put(d.lun(), d));
        List<DiskStageRunner.DiskOutcome<DiskUpload>> outcomes = diskRunner.run(job.id(), Stage.REGISTER, data,
                DiskUpload.class, d -> byLun.get(d.lun().orElseThrow()).fileSize(), Progress.NONE, (disk, pr) -> {
                    PackagingService.PackagedDataDisk d = byLun.get(disk.lun().orElseThrow());
                    UploadResult u = put(dir.resolve(d.vhd()), prefix + d.vhd(), d.md5Base64(), d.integrity(),
                            up -> pr.bytesDone(up.done()));
                    return new DiskUpload(d.lun(), d.hostCaching(), d.vhd(), u.blobUri(), u.sent(), u.skippedZero(),
                            u.alreadyPresent(), u.resumed(), u.contentMd5());
                });
        DiskStageRunner.decide(outcomes);
        return outcomes.stream().map(DiskStageRunner.DiskOutcome::result).toList();
    }

    /** One fixed VHD to its page blob (resuming an interrupted upload), failures in the job error style. */
    private UploadResult put(Path vhd, String blobName, Optional<String> md5Base64, String identity,
                             io.vhdflow.catalog.upload.UploadListener progress) throws IOException, JobRejectedException {
        try {
            return PageBlobUploader.connect(settings.upload()).upload(vhd, blobName, md5Base64, identity, progress);
        } catch (IllegalArgumentException e) {
            throw new JobRejectedException(JobError.of("upload.misconfigured", Stage.REGISTER.id(), e.getMessage(),
                    "fix the vhdflow.upload.* settings (or VHDFLOW_UPLOAD_* variables) and retry the job", List.of()));
        } catch (UploadException e) {
            throw new JobRejectedException(JobError.of("upload.refused", Stage.REGISTER.id(), e.getMessage(),
                    "the version is registered but not uploaded; fix the blob as the message says and retry the job",
                    List.of()));
        }
    }
}
