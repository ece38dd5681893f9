package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backup stage: the job's one read of the original makes its backup, its SHA-256 (which
 * identifies the job's content from now on) and the staged conversion the package stage uses.
 * A VM image's disks are each backed up into the job's backup folder; the image's content is then
 * identified by {@link #imageSha256} over every disk's SHA-256 with its role and LUN.
 */
public final class BackupStage implements StageWork {
    private final BackupService backup;
    private final JobWorkFolder workFolder;
    private final JobJournal journal;
    private final DiskJournal disks;
    private final DiskStageRunner diskRunner;
    private final ObjectMapper json;

    public BackupStage(BackupService backup, JobWorkFolder workFolder, JobJournal journal, DiskJournal disks,
                       DiskStageRunner diskRunner, ObjectMapper json) {
        this.backup = backup;
        this.workFolder = workFolder;
        this.journal = journal;
        this.disks = disks;
        this.diskRunner = diskRunner;
        this.json = json;
    }

    /** One disk's backup, as recorded per disk. */
    public record DiskBackup(String path, String sha256, long bytes, long bytesRead, long bytesWritten) {
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        List<JobDisk> all = disks.disks(job.id());
        if (all.isEmpty()) {
            BackupService.BackupResult r = backup.backup(job, workFolder.original(job), workFolder.staged(job), progress);
            journal.setSourceSha256(job.id(), r.sha256());
            return r.outcome();
        }
        List<DiskStageRunner.DiskOutcome<DiskBackup>> outcomes = diskRunner.run(job.id(), Stage.BACKUP, all,
                DiskBackup.class, JobDisk::size, progress, (disk, p) -> {
                    Path file = workFolder.original(job, disk.fileName());
                    unchanged(disk, file);
                    BackupService.BackupResult r = backup.backup(job, file, backup.backupFile(job, disk.fileName()),
                            workFolder.staged(job, disk), p);
                    unchanged(disk, file);
                    disks.setSourceSha256(job.id(), disk.diskNo(), r.sha256());
                    return new DiskBackup(r.path().toString(), r.sha256(), disk.size(), r.outcome().bytesRead(),
                            r.outcome().bytesWritten());
                });
        DiskStageRunner.decide(outcomes);
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> perDisk = new ArrayList<>();
        long read = 0;
        long written = 0;
        for (DiskStageRunner.DiskOutcome<DiskBackup> o : outcomes) {
            lines.add(line(o.disk(), o.result().sha256()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("disk", o.disk().fileName());
            m.put("role", o.disk().role().label());
            o.disk().lun().ifPresent(l -> m.put("lun", l));
            m.put("path", o.result().path());
            m.put("sha256", o.result().sha256());
            m.put("bytes", o.result().bytes());
            perDisk.add(m);
            read += o.result().bytesRead();
            written += o.result().bytesWritten();
        }
        String imageSha = imageSha256(lines);
        journal.setSourceSha256(job.id(), imageSha);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("path", backup.backupFile(job, all.get(0).fileName()).getParent().toString());
        result.put("sha256", imageSha);
        result.put("disks", perDisk);
        return StageOutcome.of(read, written, json.writeValueAsString(result));
    }

    /** With several disks, the progress counts them all. */
    @Override
    public long bytesTotal(JobRecord job) {
        List<JobDisk> all = disks.disks(job.id());
        return all.isEmpty() ? job.sourceSize() : all.stream().mapToLong(JobDisk::size).sum();
    }

    /** The line a disk adds to the image's identity: its role, LUN and content. */
    static String line(JobDisk d, String sha256) {
        return d.role().label() + " " + d.lun().map(String::valueOf).orElse("-") + " " + sha256;
    }

    /**
     * A VM image's content identity: SHA-256 of one line per disk ({@code <role> <lun|-> <sha256>},
     * OS disk first, then by LUN). The same disks at other LUNs are another image; the same OS disk
     * with other data disks too, so it is no duplicate of the OS image alone.
     */
    static String imageSha256(List<String> lines) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (String l : lines) {
                md.update((l + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A disk whose size or modification time moved since intake is being written by something else. */
    private static void unchanged(JobDisk disk, Path file) throws IOException, JobRejectedException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.size() != disk.size() || !a.lastModifiedTime().toInstant().equals(disk.modifiedAt())) {
            throw new JobRejectedException(FolderIntake.beingWritten(Stage.BACKUP.id(), List.of(disk.describe() + ": " + disk.size()
                    + " bytes, modified " + disk.modifiedAt() + " at intake -> " + a.size() + " bytes, modified "
                    + a.lastModifiedTime().toInstant())));
        }
    }
}
