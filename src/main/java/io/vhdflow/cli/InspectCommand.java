package io.vhdflow.cli;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CategoryReport;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.packages.SoftwareInventory;
import io.vhdflow.inspect.sbom.CycloneDxSbom;
import io.vhdflow.pipeline.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code vhdflow inspect FILE}: whether an image is safe to publish, offline, without the pipeline. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Reads a disk image offline and decides whether it is ready to publish: VMs made from it "
                + "provision and boot, with no leftover access and no secrets.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "VHD (fixed, dynamic, differencing), VHDX, qcow2, VMDK, OVA (its OS"
            + " disk) or raw image; the format is told by the content")
    Path file;

    @Option(names = "--json", description = "Print the report as JSON (schema " + VerificationReport.SCHEMA + ").")
    boolean json;

    @Option(names = "--policy", defaultValue = "azure-platform",
            description = "azure-platform (default), marketplace, or strict (marketplace rules; every warning blocks)")
    String policy;

    @Option(names = "--sbom", paramLabel = "FILE",
            description = "Also write the installed packages as a CycloneDX " + CycloneDxSbom.SPEC_VERSION + " SBOM (JSON) to FILE.")
    Path sbom;

    @Option(names = "--waive", paramLabel = "IDS", defaultValue = "",
            description = "Check ids whose failure you accept, comma-separated (e.g. L3,W5): reported as waived.")
    String waive;

    @Option(names = "--scan-budget", paramLabel = "LIMITS", defaultValue = "",
            description = "Limits of the secrets scan, e.g. files=20000,mib=32,seconds=1,file-mib=1,depth=16 "
                    + "(the defaults; give any of them). A scan cut short is reported as a warning.")
    String scanBudget;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Policy p;
        try {
            p = Policy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("inspect", "--policy: " + e.getMessage(), "use azure-platform, marketplace or strict");
        }
        ScanBudget budget;
        try {
            budget = ScanBudget.parse(scanBudget);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("inspect", "--scan-budget: " + e.getMessage(),
                    "for example --scan-budget files=50000,seconds=5");
        }
        io.vhdflow.pipeline.SettingsSchema.check("vhdflow.verify.waivers", waive).ifPresent(problem -> {
            throw CommandFailure.usage("inspect", "--waive " + problem,
                    io.vhdflow.pipeline.SettingsSchema.closestValue("vhdflow.verify.waivers", waive)
                            .map(c -> "did you mean " + c + "?").orElse("see 'vhdflow checks'"));
        });
        InputFile.regular(file);
        VerificationReport r;
        try {
            r = new VerificationService(CheckCatalog.standard(), budget).verify(file, p.id(),
                    io.vhdflow.pipeline.Settings.idList(waive));
        } catch (IOException e) {
            throw CommandFailure.ofInput(e, file);
        }
        if (sbom != null) {
            try {
                CycloneDxSbom.write(sbom, CycloneDxSbom.bom(r.file(), r.software(), r.checkedAt()));
            } catch (IOException e) {
                throw CommandFailure.ofEnvironment(e, sbom.toString());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            out.print(text(r));
        }
        out.flush();
        return ExitCode.forVerdict(r.verdict());
    }

    /** The verdict as the first line shows it: {@code NOT READY (access, secrets)}. */
    static String headline(VerificationReport r) {
        String v = r.verdict().label().toUpperCase(Locale.ROOT).replace('-', ' ');
        if (r.verdict() == Verdict.NOT_READY) {
            return v + " (" + r.blockingCategories().stream().map(c -> c.label()).collect(Collectors.joining(", ")) + ")";
        }
        if (r.verdict() == Verdict.READY && !r.warnings().isEmpty()) {
            return v + " with " + r.warnings().size() + " warning" + (r.warnings().size() == 1 ? "" : "s");
        }
        return v;
    }

    /** The readable report: verdict, reasons, facts, then the checks grouped by category. */
    static String text(VerificationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(r.file()).append(": ").append(headline(r)).append('\n');
        r.reasons().forEach(x -> b.append("  because ").append(x).append('\n'));
        b.append("  format ").append(r.facts().format()).append(", ").append(Units.bytes(r.facts().virtualSize()));
        r.facts().osType().ifPresent(o -> b.append(", ").append(o));
        r.facts().osName().ifPresent(o -> b.append(" (").append(o).append(')'));
        r.facts().hyperVGeneration().ifPresent(g -> b.append(", Hyper-V ").append(g));
        r.facts().architecture().ifPresent(a -> b.append(", ").append(a));
        b.append(", policy ").append(r.policy()).append(", ").append(Units.bytes(r.bytesRead())).append(" read\n");
        for (SoftwareInventory inv : r.software()) {
            b.append("  packages on ").append(inv.location()).append(": ").append(inv.packages().size());
            inv.databases().forEach(d -> b.append(", ").append(d.format()).append(' ').append(d.path()).append(' ')
                    .append(d.packages()).append(d.problem().map(p -> " (" + p + ")").orElse("")));
            if (!inv.packages().isEmpty()) {
                b.append("; by architecture ").append(inv.byArchitecture());
            }
            b.append('\n');
        }
        Map<String, CheckResult> byId = r.checks().stream()
                .collect(Collectors.toMap(CheckResult::id, Function.identity(), (a, c) -> a));
        for (CategoryReport cat : r.categories()) {
            if (cat.checks().isEmpty()) {
                continue;
            }
            b.append('\n').append(cat.category().label().toUpperCase(Locale.ROOT)).append(' ').append(state(cat))
                    .append('\n');
            for (String id : cat.checks()) {
                CheckResult c = byId.get(id);
                String status = c.status() == CheckStatus.FAIL && !cat.blocking().contains(id) ? "warn"
                        : c.status().label();
                b.append(String.format("  %-4s %-15s %-6s %s%n", c.id(), status, c.severity(), c.title()));
                // What boots (kernel, command line, Hyper-V drivers, fallback loader, mounts) is worth seeing
                // when it passes too: it is what an operator checks first when a VM does not come up.
                boolean shown = c.status() != CheckStatus.PASS && c.status() != CheckStatus.NOT_APPLICABLE
                        || c.status() == CheckStatus.PASS && cat.category() == Category.BOOT;
                if (shown) {
                    c.evidence().forEach(e -> b.append("         ").append(e).append('\n'));
                    if (!c.remediation().isEmpty() && c.status() == CheckStatus.FAIL) {
                        b.append("         fix: ").append(c.remediation()).append('\n');
                    }
                }
            }
        }
        if (!r.findings().isEmpty()) {
            b.append("\nFINDINGS while reading the disk:\n");
            r.findings().forEach(f -> b.append("  ").append(f.code()).append(": ").append(f.detail()).append('\n'));
        }
        return b.toString();
    }

    private static String state(CategoryReport c) {
        return switch (c.state()) {
            case BLOCKS -> "blocks (" + String.join(", ", c.blocking()) + "): " + c.category().risk();
            case CANNOT_DETERMINE -> "cannot be determined (" + String.join(", ", c.notRun()) + " could not run): "
                    + c.question() + "?";
            case WARNS -> "warns (" + String.join(", ", c.warnings()) + "): " + c.question();
            case PASSES -> "passes: " + c.question();
            case NOT_CHECKED -> "nothing to check: " + c.question();
        };
    }
}
