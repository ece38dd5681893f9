package io.vhdflow.inspect.data;

import io.vhdflow.disk.Finding;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;

import java.util.List;

/**
 * What the checks of one data disk of a VM image found (schema {@value #SCHEMA}).
 *
 * @param file             the disk's file name
 * @param format           its container format ({@code vhd-fixed}, {@code vhd-dynamic}, ...)
 * @param virtualSize      the virtual disk's size in bytes
 * @param operatingSystems every OS found on it, each with the volume it is on (a data disk has none)
 * @param checks           DATA-FORMAT, DATA-SIZE, DATA-NO-OS, DATA-SECRETS (docs/checks.md, "Data disks")
 * @param findings         what the readers noted on the way (non-fatal)
 */
public record DataDiskReport(String schema, String file, String format, long virtualSize,
                             List<String> operatingSystems, List<CheckResult> checks, List<Finding> findings) {
    public static final String SCHEMA = "vhdflow.data-disk/1";

    public DataDiskReport {
        operatingSystems = List.copyOf(operatingSystems);
        checks = List.copyOf(checks);
        findings = List.copyOf(findings);
    }

    /** The checks that block: failed MUST checks. */
    public List<CheckResult> blocking() {
        return checks.stream().filter(c -> c.status() == CheckStatus.FAIL && c.severity() == Severity.MUST).toList();
    }

    public boolean passed() {
        return blocking().isEmpty();
    }
}
