package io.vhdflow.cli;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.pipeline.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vhdflow inspect FILE}: the offline generalization check, without the pipeline. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Reads a disk image offline and decides whether its OS was generalized.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "VHD (fixed, dynamic, differencing) or raw image")
    Path file;

    @Option(names = "--json", description = "Print the report as JSON (schema " + VerificationReport.SCHEMA + ").")
    boolean json;

    @Option(names = "--policy", defaultValue = "azure-platform",
            description = "azure-platform (default) or marketplace")
    String policy;

    @Option(names = "--waive", paramLabel = "IDS", defaultValue = "",
            description = "Check ids whose failure you accept, comma-separated (e.g. L3,W5): reported as waived.")
    String waive;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Policy p;
        try {
            p = Policy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("inspect", "--policy: " + e.getMessage(), "use azure-platform or marketplace");
        }
        io.vhdflow.pipeline.SettingsSchema.check("vhdflow.verify.waivers", waive).ifPresent(problem -> {
            throw CommandFailure.usage("inspect", "--waive " + problem,
                    io.vhdflow.pipeline.SettingsSchema.closestValue("vhdflow.verify.waivers", waive)
                            .map(c -> "did you mean " + c + "?").orElse("see 'vhdflow checks'"));
        });
        InputFile.regular(file);
        VerificationReport r;
        try {
            r = new VerificationService().verify(file, p.id(), io.vhdflow.pipeline.Settings.idList(waive));
        } catch (IOException e) {
            throw CommandFailure.ofInput(e, file);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            out.print(text(r));
        }
        out.flush();
        return switch (r.verdict()) {
            case GENERALIZED -> ExitCode.OK;
            case NOT_GENERALIZED -> ExitCode.NOT_READY;
            case CANNOT_DETERMINE -> ExitCode.CANNOT_DETERMINE;
        };
    }

    /** The readable report. */
    static String text(VerificationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(r.file()).append(": ").append(r.verdict().label().toUpperCase(Locale.ROOT)).append('\n');
        r.reasons().forEach(x -> b.append("  because ").append(x).append('\n'));
        b.append("  format ").append(r.facts().format()).append(", ").append(Units.bytes(r.facts().virtualSize()));
        r.facts().osType().ifPresent(o -> b.append(", ").append(o));
        r.facts().osName().ifPresent(o -> b.append(" (").append(o).append(')'));
        r.facts().hyperVGeneration().ifPresent(g -> b.append(", Hyper-V ").append(g));
        r.facts().architecture().ifPresent(a -> b.append(", ").append(a));
        b.append(", policy ").append(r.policy()).append(", ").append(Units.bytes(r.bytesRead())).append(" read\n\n");
        for (CheckResult c : r.checks()) {
            b.append(String.format("  %-4s %-14s %-6s %s%n", c.id(), c.status().name().toLowerCase(Locale.ROOT)
                    .replace('_', '-'), c.severity(), c.title()));
            if (c.status() != CheckStatus.PASS) {
                c.evidence().forEach(e -> b.append("         ").append(e).append('\n'));
                if (!c.remediation().isEmpty() && c.status() == CheckStatus.FAIL) {
                    b.append("         fix: ").append(c.remediation()).append('\n');
                }
            }
        }
        if (!r.findings().isEmpty()) {
            b.append("\n  findings:\n");
            r.findings().forEach(f -> b.append("    ").append(f.code()).append(": ").append(f.detail()).append('\n'));
        }
        return b.toString();
    }
}
