package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;

/** One Windows check (W# of the anchors checklist): what it asks, why, and how to fix a failure. */
public abstract class WindowsCheck {
    private final String id;
    private final String title;
    private final Severity severity;
    private final String source;
    private final String remediation;

    protected WindowsCheck(String id, String title, Severity severity, String source, String remediation) {
        this.id = id;
        this.title = title;
        this.severity = severity;
        this.source = source;
        this.remediation = remediation;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Severity severity() {
        return severity;
    }

    public String source() {
        return source;
    }

    /** Runs the check on one Windows installation. */
    public abstract CheckResult evaluate(WindowsSystem windows) throws IOException;

    protected CheckResult result(CheckStatus status, List<String> evidence) {
        return new CheckResult(id, title, severity, status, evidence, status == CheckStatus.FAIL ? remediation : "",
                source);
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
