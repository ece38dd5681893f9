package io.vhdflow.inspect;

import io.vhdflow.disk.Finding;
import io.vhdflow.inspect.packages.SoftwareInventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The verification report: the verdict, the facts detected on the disk, and every check with its
 * evidence, grouped by category. Its JSON form ({@value #SCHEMA}) goes into the journal, the API and
 * the package manifest; {@code docs/verification-report.md} describes every field.
 *
 * @param schema    schema id, {@value #SCHEMA}
 * @param file      the file checked
 * @param policy    policy applied ({@code azure-platform}, {@code marketplace} or {@code strict})
 * @param verdict   whether the image is safe to publish ({@link VerdictRule})
 * @param reasons   why the verdict is what it is, one line per deciding check or condition
 * @param blocking  ids of the failed checks that block publishing the image (waived checks and those
 *                  packaging fixes are not listed)
 * @param blockingCategories the categories of the blocking checks (what a not-ready verdict names)
 * @param warnings  ids of the failed checks that do not block
 * @param categories every category with its state and checks, in category order
 * @param facts     what was detected: format, sizes, OS, generation, architecture
 * @param checks    every check, passed, failed, not applicable or not run
 * @param findings  non-fatal conditions seen while reading the disk
 * @param checkedAt when the check ran
 * @param bytesRead bytes read from the image to reach the verdict, 0 when not measured
 * @param software  what each operating system found has installed (package databases, packages),
 *                  the source of the image's SBOM
 */
public record VerificationReport(
        String schema,
        String file,
        String policy,
        Verdict verdict,
        List<String> reasons,
        List<String> blocking,
        List<Category> blockingCategories,
        List<String> warnings,
        List<CategoryReport> categories,
        DetectedFacts facts,
        List<CheckResult> checks,
        List<Finding> findings,
        Instant checkedAt,
        long bytesRead,
        List<SoftwareInventory> software) {

    /** Version 2: the verdict says ready / not-ready (safe to publish), results are grouped by category. */
    public static final String SCHEMA = "vhdflow.verification/2";

    public VerificationReport {
        reasons = List.copyOf(reasons);
        blocking = blocking == null ? List.of() : List.copyOf(blocking);
        blockingCategories = blockingCategories == null ? List.of() : List.copyOf(blockingCategories);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        categories = categories == null ? List.of() : List.copyOf(categories);
        checks = List.copyOf(checks);
        findings = List.copyOf(findings);
        software = software == null ? List.of() : List.copyOf(software);
    }

    /** Failed checks of the given severity. */
    public List<CheckResult> failed(Severity severity) {
        return checks.stream().filter(c -> c.failed() && c.severity() == severity).toList();
    }

    /** The blocking checks of one category, e.g. the secrets left in the image. */
    public List<CheckResult> blocking(Category category) {
        return checks.stream().filter(c -> c.category() == category && blocking.contains(c.id())).toList();
    }

    /** The failed checks that block publication, in catalogue order. */
    public List<CheckResult> blockingChecks() {
        return checks.stream().filter(c -> blocking.contains(c.id())).toList();
    }

    public Optional<CheckResult> check(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
