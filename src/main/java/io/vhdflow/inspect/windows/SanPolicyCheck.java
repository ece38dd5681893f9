package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * W7: the SAN policy brings every disk online (OnlineAll). With the Windows Server default
 * (OfflineShared) data disks attached to a VM made from the image come up offline.
 */
public final class SanPolicyCheck extends WindowsCheck {
    static final String KEY = "Services\\partmgr\\Parameters";

    public SanPolicyCheck() {
        super("W7", "SAN policy brings every disk online (OnlineAll)", Category.BOOT, Severity.SHOULD,
                "SYSTEM current control set: Services\\partmgr\\Parameters SanPolicy",
                "Prepare a Windows VHD to upload to Azure ('san policy=onlineall'); VDS_SAN_POLICY values "
                        + "(1 OnlineAll, 2 OfflineShared, 3 OfflineAll, 4 OfflineInternal) — docs/checks.md#w7",
                "in the source VM: diskpart, then 'san policy=onlineall' (or " + regAddControlSet(KEY, "SanPolicy", 1) + ")");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading policy = w.controlSet(KEY, "SanPolicy");
        OptionalLong p = policy.number();
        String wanted = "1 (OnlineAll)";
        String fix = "diskpart: san policy=onlineall (or " + regAddControlSet(KEY, "SanPolicy", 1) + ")";
        if (p.isPresent() && p.getAsLong() == 1) {
            e.ok(found(w, policy, wanted));
        } else if (p.isEmpty()) {
            e.warn(found(w, policy, wanted) + ": the edition's default applies (OfflineShared on Windows Server), "
                    + "so attached data disks stay offline", fix);
        } else {
            e.warn(found(w, policy, p.getAsLong() + " (" + name(p.getAsLong()) + ")", wanted)
                    + ": disks other than the boot disk may stay offline", fix);
        }
    }

    static String name(long policy) {
        return switch ((int) policy) {
            case 1 -> "OnlineAll";
            case 2 -> "OfflineShared";
            case 3 -> "OfflineAll";
            case 4 -> "OfflineInternal";
            default -> "not a SAN policy";
        };
    }
}
