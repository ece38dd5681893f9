package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.Verdict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The verify stage: the verification report of the original is the stage's result. The job is
 * rejected when a container check that packaging cannot fix failed, or when the image was not
 * generalized and specialized images are not registered.
 */
public final class VerifyStage implements StageWork {
    private final Settings settings;
    private final JobJournal journal;
    private final VerificationService verification;
    private final JobWorkFolder workFolder;
    private final ObjectMapper json;

    public VerifyStage(Settings settings, JobJournal journal, VerificationService verification,
                       JobWorkFolder workFolder, ObjectMapper json) {
        this.settings = settings;
        this.journal = journal;
        this.verification = verification;
        this.workFolder = workFolder;
        this.json = json;
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        VerificationReport report = verification.verify(workFolder.original(job), settings.verifyPolicy(),
                settings.verifyWaivers());
        String reportJson = json.writeValueAsString(report);
        journal.setVerdict(job.id(), report.verdict().label());
        // Kept now: a rejection below fails the stage, and the report is what the operator reads about why.
        journal.recordResult(job.id(), Stage.VERIFY, reportJson);
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

    /** Verification reads what it needs, not the whole image: no byte total to show progress against. */
    @Override
    public long bytesTotal(JobRecord job) {
        return 0;
    }

    private static List<String> describe(List<CheckResult> checks) {
        List<String> out = new ArrayList<>();
        for (CheckResult c : checks) {
            out.add(c.id() + " " + c.title() + " [" + c.severity() + "]: " + String.join("; ", c.evidence()));
        }
        return out;
    }
}
