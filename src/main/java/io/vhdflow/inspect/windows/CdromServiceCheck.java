package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.Optional;

/** W10: the cdrom driver is not disabled; Azure hands the VM its provisioning data on a virtual DVD. */
public final class CdromServiceCheck extends WindowsCheck {

    public CdromServiceCheck() {
        super("W10", "cdrom service not disabled", Category.PROVISIONING, Severity.MUST, "SYSTEM current control set Services\\cdrom Start",
                "Prepare a Windows VHD to upload to Azure, note on the cdrom service; anchors §2.3 W10",
                "set HKLM\\SYSTEM\\CurrentControlSet\\Services\\cdrom\\Start to 1 (or its default) before Sysprep; "
                        + "with it disabled VMs stay at OOBE");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        Optional<CheckResult> noCs = withoutControlSet(w);
        if (noCs.isPresent()) {
            return noCs.get();
        }
        RegistryReading start = w.controlSet("Services\\cdrom", "Start");
        if (!start.present()) {
            return pass(w.where(start.path()) + " = (absent: driver default)");
        }
        String shown = start.number().isPresent() ? startType(start.number().getAsLong()) : start.shown();
        String line = found(w, start, shown, "not 4 (disabled)");
        return start.is(4) ? fail(line + ": the VM cannot read the provisioning DVD") : pass(line);
    }
}
