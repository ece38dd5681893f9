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
        return evaluate(ctx.windows());
    }

    /** Runs the check on one Windows installation. */
    public abstract CheckResult evaluate(WindowsSystem windows) throws IOException;

    protected CheckResult result(CheckStatus status, List<String> evidence) {
        return new CheckResult(id, title, category, severity, status, evidence,
                status == CheckStatus.FAIL ? remediation : "", source);
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
