package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * W15: a 64-bit OS (Azure runs x64 and Arm64 only). The architecture comes from the first source
 * that tells, in the order {@link WindowsArchitecture} gives (registry, PE headers of
 * ntoskrnl.exe / cmd.exe / kernel32.dll, folders); "cannot determine" only when none does, and then
 * the evidence lists every source tried.
 */
public final class ArchitectureCheck extends WindowsCheck {

    public ArchitectureCheck() {
        super("W15", "64-bit Windows (x64 or Arm64)", Category.BOOT, Severity.MUST,
                "SYSTEM Session Manager\\Environment PROCESSOR_ARCHITECTURE; else the PE machine type of "
                        + "System32\\ntoskrnl.exe, cmd.exe, kernel32.dll; else the folders SysArm32/SyChpe32 (Arm64), SysWOW64 (64-bit)",
                "Azure Marketplace certification FAQ (64-bit only); libguestfs inspect_fs_windows.ml — docs/checks.md#w15",
                "capture a 64-bit Windows installation; 32-bit Windows cannot run on Azure");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        WindowsArchitecture a = WindowsArchitecture.read(w);
        List<String> evidence = new ArrayList<>(a.evidence());
        if (a.architecture().isEmpty()) {
            evidence.add("no source tells the architecture: tried the registry, " + String.join(", ", WindowsArchitecture.PE_FILES)
                    + " and the folders SysArm32, SyChpe32, SysWOW64");
            return notRun(evidence.toArray(String[]::new));
        }
        String arch = a.architecture().get();
        if (arch.equals("x64") || arch.equals("Arm64")) {
            return pass(evidence.toArray(String[]::new));
        }
        evidence.add(arch + " is not a 64-bit architecture Azure runs (x64, Arm64)");
        return fail(evidence.toArray(String[]::new));
    }
}
