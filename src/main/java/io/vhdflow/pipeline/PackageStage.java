package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.inspect.VerificationReport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The package stage: assigns the image's version, then builds the package from the fixed VHD the
 * backup stage's read pass staged (or, failing that, from the original) and the verification
 * report the verify stage recorded.
 */
public final class PackageStage implements StageWork {
    private final JobJournal journal;
    private final Catalog catalog;
    private final PackagingService packaging;
    private final JobWorkFolder workFolder;
    private final ObjectMapper json;
    private final DiskJournal disks;
    private final DiskStageRunner diskRunner;
    /** Two jobs of one image packaged at once must not take the same next version. */
    private final Object versionLock = new Object();

    public PackageStage(JobJournal journal, Catalog catalog, PackagingService packaging, JobWorkFolder workFolder,
                        ObjectMapper json, DiskJournal disks, DiskStageRunner diskRunner) {
        this.disks = disks;
        this.diskRunner = diskRunner;
        this.journal = journal;
        this.catalog = catalog;
        this.packaging = packaging;
        this.workFolder = workFolder;
        this.json = json;
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        SemanticVersion version = assignVersion(job);
        String reportJson = journal.stageResult(job.id(), Stage.VERIFY)
                .orElseThrow(() -> new IOException("no verification report recorded for job " + job.id()));
        List<JobDisk> all = disks.disks(job.id());
        Optional<JobDisk> os = all.stream().filter(JobDisk::isOs).findFirst();
        os.ifPresent(d -> disks.start(job.id(), d.diskNo(), Stage.PACKAGE, d.size()));
        PackagingService.PackageResult p = packaging.build(job, workFolder.original(job),
                java.util.Optional.of(workFolder.staged(job)), version,
                json.readValue(reportJson, VerificationReport.class), progress, dataDisks(job, all));
        if (os.isPresent()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("vhd", p.vhd());
            r.put("virtualSize", p.virtualSize());
            p.integrity().ifPresent(i -> r.put("integrity", i));
            disks.complete(job.id(), os.get().diskNo(), Stage.PACKAGE, json.writeValueAsString(r));
        }
        return StageOutcome.of(p.bytesRead(), p.bytesWritten() + p.dataDisks().stream()
                .mapToLong(PackagingService.PackagedDataDisk::bytesWritten).sum(), json.writeValueAsString(p));
    }

    /**
     * A VM image's data disks put into the package being built (each disk's staged conversion
     * linked, or converted again), up to the disk parallelism at once; every one is done again when
     * the stage runs again (the package folder is rebuilt).
     */
    private PackagingService.DataDisks dataDisks(JobRecord job, List<JobDisk> all) {
        List<JobDisk> data = all.stream().filter(d -> !d.isOs()).toList();
        if (data.isEmpty()) {
            return PackagingService.DataDisks.NONE;
        }
        return (dir, base) -> {
            List<DiskStageRunner.DiskOutcome<PackagingService.PackagedDataDisk>> outcomes = diskRunner.run(job.id(),
                    Stage.PACKAGE, data, PackagingService.PackagedDataDisk.class, JobDisk::size, Progress.NONE, false,
                    (disk, p) -> {
                        String vhd = base + "-lun" + disk.lun().orElseThrow() + ".vhd";
                        String sha = disks.disks(job.id()).stream().filter(x -> x.diskNo() == disk.diskNo())
                                .findFirst().flatMap(JobDisk::sourceSha256).orElse("");
                        return PackagingService.PackagedDataDisk.of(disk.lun().orElseThrow(),
                                disk.hostCaching().orElse("None"), disk.fileName(), sha, vhd,
                                packaging.packageDisk(job, workFolder.original(job, disk.fileName()),
                                        Optional.of(workFolder.staged(job, disk)), dir, vhd, p));
                    });
            DiskStageRunner.decide(outcomes);
            return outcomes.stream().map(DiskStageRunner.DiskOutcome::result).toList();
        };
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
}
