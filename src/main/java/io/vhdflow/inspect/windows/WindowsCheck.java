package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Check;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;

/**
 * One check of a Windows installation: what it asks, why, and how to fix a failure. Subclasses in
 * this package are found by {@link io.vhdflow.inspect.CheckCatalog}: a new subclass is a new check.
 */
public abstract class WindowsCheck implements Check<WindowsContext> {
    private final String id;
    private final String title;
    private final Category category;
    private final Severity severity;
    private final String reads;
    private final String source;
    private final String remediation;

    protected WindowsCheck(String id, String title, Category category, Severity severity, String reads, String source,
                           String remediation) {
        this.id = id;
        this.title = title;
        this.category = category;
        this.severity = severity;
        this.reads = reads;
        this.source = source;
        this.remediation = remediation;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Category category() {
        return category;
    }

    @Override
    public Severity severity(Policy policy) {
        return severity;
    }

    @Override
    public String reads() {
        return reads;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String remediation() {
        return remediation;
    }

    @Override
    public final CheckResult run(WindowsContext ctx) throws IOException {
        return evaluate(ctx);
    }

    /** Runs the check on one Windows installation. */
    public abstract CheckResult evaluate(WindowsSystem windows) throws IOException;

    /** Runs the check with its whole context; checks that need more than the installation (a scan budget) override it. */
    protected CheckResult evaluate(WindowsContext ctx) throws IOException {
        return evaluate(ctx.windows());
    }

    protected CheckResult result(CheckStatus status, List<String> evidence) {
        return new CheckResult(id, title, category, severity, status, evidence,
                status == CheckStatus.FAIL ? remediation : "", source);
    }

    /**
     * One result from several findings: blocked at the check's severity, not run when something
     * could not be decided, a warning (failed at SHOULD, or the check's own severity if lower), or a
     * pass. A failure's remedy is the commands for the lines that were not right, else the check's
     * own remediation.
     */
    CheckResult conclude(Evidence e) {
        String remedy = e.remedy().isEmpty() ? remediation : e.remedy();
        return switch (e.worst()) {
            case OK -> result(CheckStatus.PASS, e.lines());
            case UNKNOWN -> result(CheckStatus.NOT_RUN, e.lines());
            case WARN -> new CheckResult(id, title, category, severity == Severity.INFO ? Severity.INFO : Severity.SHOULD,
                    CheckStatus.FAIL, e.lines(), remedy, source);
            case BLOCK -> new CheckResult(id, title, category, severity, CheckStatus.FAIL, e.lines(), remedy, source);
        };
    }

    /**
     * The evidence line of a registry value: where it was read (hive, control set, key, name), the
     * value found and the value wanted, e.g.
     * {@code gpt:p3/ntfs:SYSTEM\ControlSet001\Services\w32time\Start = 3, wanted 2 (automatic)}.
     */
    static String found(WindowsSystem w, RegistryReading r, String wanted) throws IOException {
        return found(w, r, r.shown(), wanted);
    }

    /** {@link #found(WindowsSystem, RegistryReading, String)} with the value shown as given, e.g. {@code 4 (disabled)}. */
    static String found(WindowsSystem w, RegistryReading r, String shown, String wanted) {
        return w.where(r.path()) + " = " + shown + ", wanted " + wanted;
    }

    /**
     * The command that sets a REG_DWORD value, run in the source VM before Sysprep; {@code key} is
     * below HKLM, e.g. {@code reg add "HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server" /v
     * fDenyTSConnections /t REG_DWORD /d 0 /f}.
     */
    static String regAdd(String key, String name, long value) {
        return "reg add \"HKLM\\" + key + "\" /v " + name + " /t REG_DWORD /d " + value + " /f";
    }

    /** {@link #regAdd} for a key under the running system's current control set. */
    static String regAddControlSet(String key, String name, long value) {
        return regAdd("SYSTEM\\CurrentControlSet\\" + key, name, value);
    }

    /** The command that sets a service's start type in the source VM ({@code auto}, {@code demand}, ...). */
    static String scConfig(String service, long start) {
        return "sc config " + service + " start= " + switch ((int) start) {
            case 0 -> "boot";
            case 1 -> "system";
            case 2 -> "auto";
            case 3 -> "demand";
            default -> "disabled";
        };
    }

    /** A service start type as the Services console names it: {@code 2 (automatic)}. */
    static String startType(long start) {
        return start + switch ((int) start) {
            case 0 -> " (boot)";
            case 1 -> " (system)";
            case 2 -> " (automatic)";
            case 3 -> " (manual)";
            case 4 -> " (disabled)";
            default -> " (not a start type)";
        };
    }

    /** What a check of the current control set reads into its evidence. */
    @FunctionalInterface
    interface Items {
        void read(Evidence e) throws IOException;
    }

    /**
     * A check of values under the current control set: not run when the SYSTEM hive names no
     * current control set ({@code Select\\Current}), else {@code items} fills the evidence and
     * {@link #conclude} decides.
     */
    CheckResult inControlSet(WindowsSystem w, Items items) throws IOException {
        if (w.currentControlSetName().isEmpty()) {
            List<String> ev = new java.util.ArrayList<>();
            ev.add(w.where(WindowsSystem.CONFIG + "/SYSTEM") + ": no readable Select\\Current, so no control set to read");
            ev.addAll(w.problems());
            return notRun(ev.toArray(String[]::new));
        }
        Evidence e = new Evidence();
        items.read(e);
        return conclude(e);
    }

    /** A service's {@code Start} as evidence shows it: {@code 3 (manual)}, or the value as found when not a number. */
    static String startShown(RegistryReading start) throws IOException {
        return start.number().isPresent() ? startType(start.number().getAsLong()) : start.shown();
    }

    protected CheckResult pass(String... evidence) {
        return result(CheckStatus.PASS, List.of(evidence));
    }

    protected CheckResult fail(String... evidence) {
        return result(CheckStatus.FAIL, List.of(evidence));
    }

    protected CheckResult notRun(String... evidence) {
        return result(CheckStatus.NOT_RUN, List.of(evidence));
    }
}
