package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A job's folder in {@code work/}: where its original lies while the stages read it, and its
 * removal once the original is safe in a verified backup.
 */
public final class JobWorkFolder {
    private final HomeLayout home;
    private final JobJournal journal;

    public JobWorkFolder(HomeLayout home, JobJournal journal) {
        this.home = home;
        this.journal = journal;
    }

    /** The original as dropped, in the job's work folder. */
    public Path original(JobRecord job) throws JobRejectedException {
        return original(job, job.sourceName());
    }

    /** One disk of a VM image as dropped, in the job's work folder. */
    public Path original(JobRecord job, String fileName) throws JobRejectedException {
        Path p = HomeLayout.within(home.jobWork(job.id()), fileName);
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new JobRejectedException(JobError.of("job.original-missing", "pipeline",
                    "the original " + fileName + " is no longer in " + p.getParent(),
                    "the job cannot continue; its backup (if any) is in backup/" + job.imageName() + "/" + job.id()
                            + "/. Drop the VHD again.", List.of()));
        }
        return p;
    }

    /**
     * Where the backup stage's one read pass leaves the converted fixed VHD ({@code disk.vhd}) and
     * what it found ({@code conversion.json}) for the package stage: {@code work/<job>/.package/}.
     */
    public Path staged(JobRecord job) {
        return stagedIn(home.jobWork(job.id()));
    }

    /** Where the pass of one disk of a VM image stages its conversion: the OS disk's as above, a data disk's beside it. */
    public Path staged(JobRecord job, JobDisk disk) {
        return disk.isOs() ? staged(job) : home.jobWork(job.id()).resolve(".package-lun" + disk.lun().orElseThrow());
    }

    /** The staged conversion folder inside a job's work folder. */
    public static Path stagedIn(Path jobWork) {
        return jobWork.resolve(".package");
    }

    /** Deletes the job's work folder; only ever after the backup stage recorded a verified copy. */
    public void remove(JobRecord job) throws IOException {
        if (!journal.isStageDone(job.id(), Stage.BACKUP)) {
            throw new IllegalStateException("refusing to remove the original of job " + job.id()
                    + " before its backup is verified");
        }
        Path work = home.jobWork(job.id());
        if (Files.isDirectory(work)) {
            BackupService.deleteTree(work);
        }
    }
}
