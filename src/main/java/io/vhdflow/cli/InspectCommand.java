package io.vhdflow.cli;

import io.vhdflow.disk.DiskException;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.pipeline.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vhdflow inspect FILE}: the offline generalization check, without the pipeline. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Reads a disk image offline and decides whether its OS was generalized.",
                "Exit codes: 0 generalized, 1 not generalized, 2 cannot determine, 3 invalid input."})
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

    @Override
    public Integer call() throws Exception {
        VerificationReport r;
        try {
            r = new VerificationService().verify(file, policy, io.vhdflow.pipeline.Settings.idList(waive));
        } catch (DiskException e) {
            System.err.println("vhdflow inspect: " + file + " is not a readable disk image: " + e.getMessage());
            return ExitCode.forFailure(e);
        } catch (IOException e) {
            System.err.println("vhdflow inspect: " + e.getMessage());
            return ExitCode.forFailure(e);
        } catch (IllegalArgumentException e) {
            System.err.println("vhdflow inspect: " + e.getMessage());
            return ExitCode.INPUT_INVALID;
        }
        if (json) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            System.out.print(text(r));
        }
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
        b.append("  format ").append(r.facts().format()).append(", ").append(r.facts().virtualSize()).append(" bytes");
        r.facts().osType().ifPresent(o -> b.append(", ").append(o));
        r.facts().osName().ifPresent(o -> b.append(" (").append(o).append(')'));
        r.facts().hyperVGeneration().ifPresent(g -> b.append(", Hyper-V ").append(g));
        r.facts().architecture().ifPresent(a -> b.append(", ").append(a));
        b.append(", policy ").append(r.policy()).append(", ").append(r.bytesRead()).append(" bytes read\n\n");
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
