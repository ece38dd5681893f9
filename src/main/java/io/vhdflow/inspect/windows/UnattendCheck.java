package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * W5: no custom answer file left where Setup would pick it up on the first boot of every VM (and
 * where it may hold passwords in clear text).
 */
public final class UnattendCheck extends WindowsCheck {
    static final List<String> PLACES = List.of(
            "/Windows/Panther/unattend.xml",
            "/Windows/Panther/Unattend/unattend.xml",
            "/Windows/Panther/autounattend.xml",
            "/Windows/System32/Sysprep/unattend.xml",
            "/Windows/System32/Sysprep/autounattend.xml",
            "/unattend.xml",
            "/autounattend.xml");

    public UnattendCheck() {
        super("W5", "No custom unattend.xml left behind", Category.PROVISIONING, Severity.SHOULD, "unattend.xml / autounattend.xml in \\Windows\\Panther and \\Windows\\System32\\Sysprep",
                "Prepare a Windows VHD to upload to Azure (learn.microsoft.com) — docs/checks.md#w5",
                "delete the answer files listed before capturing; Azure supplies its own answer file at provisioning");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> found = new ArrayList<>();
        for (String p : PLACES) {
            var a = w.filesystem().find(p);
            if (a.isPresent() && a.get().isRegularFile()) {
                found.add(w.where(p) + " exists (" + a.get().size() + " bytes)");
            }
        }
        return found.isEmpty() ? pass("no answer file in " + String.join(", ", PLACES)) : fail(found.toArray(String[]::new));
    }
}
