package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * W15: a 64-bit OS (Azure runs x64 and Arm64 only): {@code PROCESSOR_ARCHITECTURE} in the SYSTEM
 * hive, confirmed by the machine type of {@code cmd.exe}.
 */
public final class ArchitectureCheck extends WindowsCheck {
    static final String CMD = "/Windows/System32/cmd.exe";

    public ArchitectureCheck() {
        super("W15", "64-bit Windows (x64 or Arm64)", Category.BOOT, Severity.MUST, "SYSTEM Session Manager\\Environment PROCESSOR_ARCHITECTURE, PE header of cmd.exe",
                "Azure Marketplace certification FAQ; libguestfs inspect_fs_windows.ml; anchors §2.3 W15",
                "capture a 64-bit Windows installation; 32-bit Windows cannot run on Azure");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> evidence = new ArrayList<>();
        Optional<String> arch = architecture(w, evidence);
        if (arch.isEmpty()) {
            return notRun(evidence.toArray(String[]::new));
        }
        return arch.get().equals("x64") || arch.get().equals("Arm64") ? pass(evidence.toArray(String[]::new))
                : fail(evidence.toArray(String[]::new));
    }

    /** The architecture, preferring the registry and falling back to cmd.exe; evidence lines added. */
    static Optional<String> architecture(WindowsSystem w, List<String> evidence) throws IOException {
        Optional<String> reg = WindowsSystem.text(w.controlSetValue("Control\\Session Manager\\Environment",
                "PROCESSOR_ARCHITECTURE"));
        reg.ifPresent(r -> evidence.add(w.where("SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
                + "\\PROCESSOR_ARCHITECTURE") + " = " + r));
        Optional<String> fromReg = reg.map(r -> switch (r.toUpperCase(java.util.Locale.ROOT)) {
            case "AMD64" -> "x64";
            case "ARM64" -> "Arm64";
            case "X86" -> "x86";
            default -> r;
        });
        Optional<String> fromPe = Optional.empty();
        if (w.filesystem().isRegularFile(CMD)) {
            try {
                fromPe = PeMachine.architecture(w.filesystem().open(CMD));
                evidence.add(w.where(CMD) + " PE machine type: " + fromPe.orElse("other"));
            } catch (IOException e) {
                evidence.add(w.where(CMD) + " unreadable: " + e.getMessage());
            }
        }
        return fromReg.isPresent() ? fromReg : fromPe;
    }
}
