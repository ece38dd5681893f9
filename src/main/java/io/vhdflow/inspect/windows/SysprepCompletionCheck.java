package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * W14: Sysprep finished without errors and nothing waits for a restart: {@code Sysprep_succeeded.tag}
 * present, {@code setuperr.log} empty, no pending-reboot markers.
 */
public final class SysprepCompletionCheck extends WindowsCheck {
    static final String TAG = "/Windows/System32/Sysprep/Sysprep_succeeded.tag";
    static final String SETUPERR = "/Windows/System32/Sysprep/Panther/setuperr.log";

    public SysprepCompletionCheck() {
        super("W14", "Sysprep succeeded; no pending restart", Category.PROVISIONING, Severity.INFO, "Sysprep_succeeded.tag, setuperr.log, pending-restart markers",
                "Prepare a Windows VHD to upload to Azure, 'no pending restart' — docs/checks.md#w14",
                "restart the VM to finish pending updates, then run Sysprep again and read setuperr.log for errors");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> evidence = new ArrayList<>();
        boolean ok = true;
        if (w.filesystem().isRegularFile(TAG)) {
            evidence.add(w.where(TAG) + " present");
        } else {
            evidence.add(w.where(TAG) + " absent");
            ok = false;
        }
        var err = w.filesystem().find(SETUPERR);
        if (err.isPresent() && err.get().size() > 0) {
            evidence.add(w.where(SETUPERR) + " holds " + err.get().size() + " bytes of errors");
            ok = false;
        }
        if (w.software().isPresent()) {
            for (String k : List.of("Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
                    "Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired")) {
                if (w.software().get().key(k).isPresent()) {
                    evidence.add(w.where("SOFTWARE\\" + k) + " exists: a restart is pending");
                    ok = false;
                }
            }
        }
        RegistryReading pending = w.controlSet("Control\\Session Manager", "PendingFileRenameOperations");
        if (pending.present()) {
            evidence.add(w.where(pending.path()) + " set: files wait for a restart");
            ok = false;
        }
        return ok ? pass(evidence.toArray(String[]::new)) : fail(evidence.toArray(String[]::new));
    }
}
