package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;

/** W16: the OS identity recorded in the report and the catalog (informational). */
public final class OsIdentityCheck extends WindowsCheck {

    public OsIdentityCheck() {
        super("W16", "Windows identity read from the registry", Category.HYGIENE, Severity.INFO, "SOFTWARE Microsoft\\Windows NT\\CurrentVersion (ProductName, CurrentBuildNumber, EditionID, ...)",
                "libguestfs inspect_fs_windows.ml — docs/checks.md#w16", "");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        if (w.software().isEmpty()) {
            return notRun(w.problems().toArray(String[]::new));
        }
        WindowsIdentity id = WindowsIdentity.read(w);
        return pass(w.where("SOFTWARE\\" + WindowsIdentity.CURRENT_VERSION) + ": " + id.describe()
                + id.edition().map(e -> ", edition " + e).orElse("")
                + id.controlSet().map(c -> ", current control set " + c).orElse(""));
    }
}
