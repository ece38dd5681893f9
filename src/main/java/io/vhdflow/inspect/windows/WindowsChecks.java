package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The Windows check catalog, in checklist order; runs every check on one installation. */
public final class WindowsChecks {

    private final List<WindowsCheck> checks = List.of(new ImageStateCheck(), new HiveConsistencyCheck(),
            new HibernationCheck(), new UnattendCheck(), new CdromServiceCheck(), new SysprepCompletionCheck(),
            new ArchitectureCheck(), new OsIdentityCheck());

    public List<WindowsCheck> checks() {
        return checks;
    }

    /** Runs every check; a check that cannot read what it needs is reported NOT_RUN with the reason. */
    public List<CheckResult> run(WindowsSystem w) {
        List<CheckResult> out = new ArrayList<>();
        for (WindowsCheck c : checks) {
            try {
                out.add(c.evaluate(w));
            } catch (IOException e) {
                out.add(new CheckResult(c.id(), c.title(), c.severity(), CheckStatus.NOT_RUN,
                        List.of(w.location() + ": could not be checked: " + e.getMessage()), "", c.source()));
            }
        }
        return out;
    }
}
