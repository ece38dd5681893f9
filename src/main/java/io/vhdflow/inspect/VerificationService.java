package io.vhdflow.inspect;

import io.vhdflow.disk.container.AzureReadiness;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, with evidence, whether an image is safe to publish: the container checks (G1–G8) on
 * the image as dropped, then the operating-system checks. A container that cannot be read at all
 * fails with the typed error of the layer that refused it (structure and byte offset).
 *
 * <p>The OS-level checks (Linux L#, Windows W#) read partitions and filesystems; until they run,
 * they are listed as not run and the verdict is {@code cannot-determine}, so an image is never
 * called generalized without proof.
 */
public final class VerificationService {

    /** Container checks that packaging itself fixes (conversion to fixed, size rounded to a whole MiB). */
    private static final Set<String> FIXED_BY_PACKAGING = Set.of("G2", "G3");

    private static final String LINUX_SOURCE = "anchors §2.3 (WALinuxAgent deprovision, Azure Linux preparation docs)";
    private static final String WINDOWS_SOURCE = "anchors §2.3 (Windows Setup states, Azure Windows preparation docs)";

    public VerificationReport verify(Path image, String policyName) throws IOException {
        AzureReadiness.Policy policy = AzureReadiness.Policy.parse(policyName);
        try (DiskImage img = DiskImages.open(image)) {
            AzureReadiness.Verdict container = AzureReadiness.evaluate(img, policy);
            List<CheckResult> checks = new ArrayList<>();
            for (AzureReadiness.CheckResult c : container.checks()) {
                checks.add(fromContainer(c));
            }
            checks.add(notRun("OS", "Operating system detected and generalization checks run",
                    "the partition, filesystem and OS readers are not wired into verification yet; no Linux (L#) "
                            + "or Windows (W#) check ran", "anchors §2.3"));
            List<String> reasons = new ArrayList<>();
            reasons.add("generalization could not be checked: the OS-level checks did not run");
            DetectedFacts facts = new DetectedFacts(img.format().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    img.virtualSize(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            return new VerificationReport(VerificationReport.SCHEMA, image.getFileName().toString(), policy.id(),
                    Verdict.CANNOT_DETERMINE, reasons, facts, checks, img.findings(), Instant.now(), 0);
        }
    }

    /**
     * Container checks that failed with MUST severity and that packaging cannot fix: the image
     * cannot become Azure-ready, whatever its OS.
     */
    public List<CheckResult> blockingContainerFailures(VerificationReport report) {
        return report.checks().stream()
                .filter(c -> c.id().startsWith("G") && c.failed() && c.severity() == Severity.MUST
                        && !FIXED_BY_PACKAGING.contains(c.id()))
                .toList();
    }

    private static CheckResult fromContainer(AzureReadiness.CheckResult c) {
        CheckStatus status = switch (c.status()) {
            case PASSED -> CheckStatus.PASS;
            case FAILED -> CheckStatus.FAIL;
            case NOT_APPLICABLE -> CheckStatus.NOT_APPLICABLE;
            case NOT_EVALUATED -> CheckStatus.NOT_RUN;
        };
        String remediation = c.remediation();
        if (FIXED_BY_PACKAGING.contains(c.id()) && status == CheckStatus.FAIL) {
            remediation = "packaging fixes this: the package holds a fixed VHD with its size rounded up to a whole MiB";
        }
        return new CheckResult(c.id(), c.title(), Severity.valueOf(c.severity().name()), status,
                List.of(c.evidence()), remediation, "anchors §2.3 and §5 (VHD specification, Azure upload rules)");
    }

    private static CheckResult notRun(String id, String title, String why, String source) {
        return new CheckResult(id, title, Severity.MUST, CheckStatus.NOT_RUN, List.of(why), "", source);
    }
}
