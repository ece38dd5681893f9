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
        Optional<String> cs = w.currentControlSetName();
        if (cs.isEmpty()) {
            return notRun("SYSTEM hive has no readable Select\\Current control set");
        }
        Optional<String> start = WindowsSystem.text(w.controlSetValue("Services\\cdrom", "Start"));
        String where = w.where("SYSTEM\\" + cs.get() + "\\Services\\cdrom\\Start") + " = ";
        if (start.isEmpty()) {
            return pass(where + "(absent: driver default)");
        }
        return "4".equals(start.get()) ? fail(where + "4 (disabled)") : pass(where + start.get());
    }
}
