package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;

/** W10: the cdrom driver is not disabled; Azure hands the VM its provisioning data on a virtual DVD. */
public final class CdromServiceCheck extends WindowsCheck {

    public CdromServiceCheck() {
        super("W10", "cdrom service not disabled", Category.PROVISIONING, Severity.MUST, "SYSTEM current control set Services\\cdrom Start",
                "Prepare a Windows VHD to upload to Azure, note on the cdrom service — docs/checks.md#w10",
                "set HKLM\\SYSTEM\\CurrentControlSet\\Services\\cdrom\\Start to 1 (or its default) before Sysprep; "
                        + "with it disabled VMs stay at OOBE");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> {
            RegistryReading start = w.controlSet("Services\\cdrom", "Start");
            if (!start.present()) {
                e.ok(w.where(start.path()) + " = (absent: driver default)");
            } else if (start.is(4)) {
                e.block(found(w, start, startShown(start), "not 4 (disabled)") + ": the VM cannot read the provisioning DVD",
                        scConfig("cdrom", 1));
            } else {
                e.ok(found(w, start, startShown(start), "not 4 (disabled)"));
            }
        });
    }
}
