package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.VerdictRule;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.data.DataDiskReport;
import io.vhdflow.inspect.data.DataDiskVerification;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The verify stage: the verification report of the original is the stage's result, kept in the
 * journal whatever the outcome (so a stopped job still shows every categorized finding). Whether
 * the job goes on to packaging is {@link VerdictRule#publication}'s decision, the same rule that
 * gives {@code vhdflow inspect} its verdict and exit code: a ready image goes on; an image that is
 * not ready or cannot be judged stops here, before anything is packaged (unless specialized images
 * are registered and only provisioning or access blocks).
 */
public final class VerifyStage implements StageWork {
    private final Settings settings;
    private final JobJournal journal;
    private final VerificationService verification;
    private final JobWorkFolder workFolder;
    private final ObjectMapper json;
    private final DiskJournal disks;
    private final DiskStageRunner diskRunner;
    private final DataDiskVerification dataDisks;

    public VerifyStage(Settings settings, JobJournal journal, VerificationService verification,
                       JobWorkFolder workFolder, ObjectMapper json, DiskJournal disks, DiskStageRunner diskRunner,
                       DataDiskVerification dataDisks) {
        this.settings = settings;
        this.journal = journal;
        this.verification = verification;
        this.workFolder = workFolder;
        this.json = json;
        this.disks = disks;
        this.diskRunner = diskRunner;
        this.dataDisks = dataDisks;
    }

    /**
     * Verifies the OS disk fully and, for a VM image, each data disk with its own checks; then the
     * one decision: the job goes on only when the OS disk may be published and every data disk passed.
     */
    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        List<JobDisk> all = disks.disks(job.id());
        Optional<JobDisk> osDisk = all.stream().filter(JobDisk::isOs).findFirst();
        osDisk.ifPresent(d -> disks.start(job.id(), d.diskNo(), Stage.VERIFY, 0));
        VerificationReport report = verification.verify(workFolder.original(job), settings.verifyPolicy(),
                settings.verifyWaivers());
        String reportJson = json.writeValueAsString(report);
        journal.setVerdict(job.id(), report.verdict().label());
        // Kept now, whatever the outcome: a refusal below fails the stage, and the report is what the operator reads.
        journal.recordResult(job.id(), Stage.VERIFY, reportJson);
        VerdictRule.Publication publication = VerdictRule.publication(report.verdict(), report.blockingCategories(),
                settings.registerSpecialized());
        Map<String, Object> osSummary = new LinkedHashMap<>();
        osSummary.put("verdict", report.verdict().label());
        osSummary.put("blocking", report.blockingChecks().stream().map(CheckResult::id).toList());
        osDisk.ifPresent(d -> {
            if (publication == VerdictRule.Publication.REFUSED) {
                disks.fail(job.id(), d.diskNo(), Stage.VERIFY, "not ready: " + report.verdict().label(),
                        Optional.of(write(osSummary)));
            } else {
                disks.complete(job.id(), d.diskNo(), Stage.VERIFY, write(osSummary));
            }
        });
        List<JobDisk> data = all.stream().filter(d -> !d.isOs()).toList();
        List<DiskStageRunner.DiskOutcome<DataDiskReport>> outcomes = data.isEmpty() ? List.of()
                : diskRunner.run(job.id(), Stage.VERIFY, data, DataDiskReport.class, d -> 0, Progress.NONE,
                (disk, p) -> checkDataDisk(job, disk));
        if (publication == VerdictRule.Publication.REFUSED) {
            JobError os = refusal(job, report);
            List<String> details = new ArrayList<>(os.details());
            outcomes.stream().filter(DiskStageRunner.DiskOutcome::rejected).forEach(o -> details.add(
                    o.disk().describe() + " also fails: " + o.rejection().error().message()));
            throw new JobRejectedException(new JobError(os.code(), os.kind(), os.stage(), osDisk.map(d -> "disk "
                    + d.describe() + ": ").orElse("") + os.message(), os.structure(), os.offset(), os.remedy(), details));
        }
        DiskStageRunner.decide(outcomes);
        return StageOutcome.of(report.bytesRead(), 0, reportJson);
    }

    /** One data disk's checks; its report is kept whatever the outcome. */
    private DataDiskReport checkDataDisk(JobRecord job, JobDisk disk) throws IOException, JobRejectedException {
        DataDiskReport r = dataDisks.verify(workFolder.original(job, disk.fileName()));
        disks.recordResult(job.id(), disk.diskNo(), Stage.VERIFY, write(r));
        if (!r.passed()) {
            List<String> details = new ArrayList<>();
            for (CheckResult c : r.blocking()) {
                details.add(c.id() + " " + c.title() + ": " + String.join("; ", c.evidence())
                        + (c.remediation().isEmpty() ? "" : " — fix: " + c.remediation()));
            }
            throw new JobRejectedException(JobError.of("data-disk.not-ready", Stage.VERIFY.id(),
                    disk.fileName() + " is not ready to publish as a data disk: " + String.join(", ",
                            r.blocking().stream().map(CheckResult::id).toList()) + " block",
                    r.blocking().get(0).remediation(), details));
        }
        return r;
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verification reads what it needs, not the whole image: no byte total to show progress against. */
    @Override
    public long bytesTotal(JobRecord job) {
        return 0;
    }

    /** Why the job stops: the blocking categories, each blocking check with its evidence and fix. */
    private JobError refusal(JobRecord job, VerificationReport report) {
        if (report.verdict() == Verdict.CANNOT_DETERMINE) {
            return JobError.of("image.cannot-determine", Stage.VERIFY.id(),
                    job.sourceName() + " cannot be judged safe to publish: "
                            + (report.reasons().isEmpty() ? "no reason recorded" : report.reasons().get(0)),
                    "check that the image holds the OS disk and that it was captured cleanly (a BitLocker volume "
                            + "must be decrypted first), then drop it again; 'vhdflow inspect FILE' shows every check",
                    report.reasons());
        }
        List<CheckResult> blocking = new ArrayList<>(report.blockingChecks());
        blocking.sort(Comparator.comparing(CheckResult::category));
        String categories = report.blockingCategories().stream()
                .map(c -> c.label() + " (" + blocking.stream().filter(b -> b.category() == c).map(CheckResult::id)
                        .collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining(", "));
        String risks = report.blockingCategories().stream().map(Category::risk).collect(Collectors.joining("; "));
        boolean specializedWouldDo = VerdictRule.publication(report.verdict(), report.blockingCategories(), true)
                == VerdictRule.Publication.SPECIALIZED;
        String remedy = "fix each blocking check in the source VM (its remedy is listed), capture the disk again and "
                + "drop the new VHD" + (specializedWouldDo
                ? "; or set vhdflow.verify.not-generalized=specialized to register it as Specialized" : "")
                + "; a check you accept can be waived with vhdflow.verify.waivers";
        List<String> details = new ArrayList<>();
        for (CheckResult c : blocking) {
            details.add(c.id() + " " + c.title() + " [" + c.category().label() + ", " + c.severity() + "]: "
                    + String.join("; ", c.evidence()) + (c.remediation().isEmpty() ? "" : " — fix: " + c.remediation()));
        }
        return JobError.of("image.not-ready", Stage.VERIFY.id(),
                job.sourceName() + " is not ready to publish: " + categories + " block; " + risks, remedy, details);
    }
}
