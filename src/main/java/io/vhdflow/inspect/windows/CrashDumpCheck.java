package io.vhdflow.inspect.windows;

import io.vhdflow.disk.registry.RegistryValueType;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * W13 (informational): a VM that crashes leaves a dump on its OS disk, and TEMP/TMP are Windows'
 * defaults. A kernel dump is written through a pagefile on the boot volume, so the pagefile must be
 * on the OS disk in the image; Microsoft recommends moving it to the temporary disk (D:) only after
 * deployment, since VM sizes without a temporary disk exist.
 */
public final class CrashDumpCheck extends WindowsCheck {
    static final String CRASH = "Control\\CrashControl";
    static final String MEMORY = "Control\\Session Manager\\Memory Management";
    static final String ENV = "Control\\Session Manager\\Environment";
    static final String TEMP_DEFAULT = "%SystemRoot%\\TEMP";

    public CrashDumpCheck() {
        super("W13", "Crash dumps and pagefile on the OS disk; TEMP/TMP at their defaults", Category.BOOT, Severity.INFO,
                "SYSTEM current control set: Control\\CrashControl (CrashDumpEnabled, DumpFile, NMICrashDump), "
                        + "Session Manager\\Memory Management PagingFiles, Session Manager\\Environment TEMP and TMP",
                "Prepare a Windows VHD to upload to Azure ('Set Windows configurations for Azure' TEMP/TMP; 'Verify the VM' "
                        + "dump log collection; 'Complete the recommended configurations' pagefile after deployment) — docs/checks.md#w13",
                "in the source VM: " + regAddControlSet(CRASH, "CrashDumpEnabled", 2) + "; keep the pagefile on C: until after deployment");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading enabled = w.controlSet(CRASH, "CrashDumpEnabled");
        if (enabled.is(2)) {
            e.ok(found(w, enabled, "2 (kernel memory dump)"));
        } else {
            String shown = enabled.number().isPresent()
                    ? enabled.number().getAsLong() + " (" + dumpType(enabled.number().getAsLong()) + ")" : enabled.shown();
            e.warn(found(w, enabled, shown, "2 (kernel memory dump)"), regAddControlSet(CRASH, "CrashDumpEnabled", 2));
        }
        RegistryReading file = w.controlSet(CRASH, "DumpFile");
        if (file.text().map(CrashDumpCheck::onOsDisk).orElse(true)) {
            e.ok(found(w, file, "on the OS disk (%SystemRoot%\\MEMORY.DMP)") + (file.present() ? "" : ": Windows' default"));
        } else {
            e.warn(found(w, file, "on the OS disk (%SystemRoot%\\MEMORY.DMP)"),
                    "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\" + CRASH + "\" /v DumpFile /t REG_EXPAND_SZ /d %SystemRoot%\\MEMORY.DMP /f");
        }
        RegistryReading nmi = w.controlSet(CRASH, "NMICrashDump");
        if (nmi.is(1)) {
            e.ok(found(w, nmi, "1"));
        } else {
            e.warn(found(w, nmi, "1") + ": the serial console's NMI cannot force a dump", regAddControlSet(CRASH, "NMICrashDump", 1));
        }
        pagefile(w, e);
        for (String name : List.of("TEMP", "TMP")) {
            RegistryReading t = w.controlSet(ENV, name);
            if (t.text().map(v -> v.equalsIgnoreCase(TEMP_DEFAULT)).orElse(false)) {
                e.ok(found(w, t, TEMP_DEFAULT));
            } else {
                e.warn(found(w, t, TEMP_DEFAULT), "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\" + ENV + "\" /v " + name
                        + " /t REG_EXPAND_SZ /d %SystemRoot%\\TEMP /f");
            }
        }
    }

    private static void pagefile(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading paging = w.controlSet(MEMORY, "PagingFiles");
        String wanted = "a pagefile on the OS disk (C: or ?: = system managed)";
        String fix = "keep the pagefile on C: in the image; move it to the temporary disk after deployment";
        List<String> files = paging.present() && paging.value().get().type() == RegistryValueType.MULTI_SZ
                ? paging.value().get().asMultiString() : paging.text().map(List::of).orElse(List.of());
        List<String> entries = files.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (entries.isEmpty()) {
            e.warn(found(w, paging, wanted) + ": no pagefile, so no kernel dump can be written", fix);
        } else if (entries.stream().anyMatch(CrashDumpCheck::onOsDisk)) {
            e.ok(found(w, paging, wanted));
        } else {
            e.warn(found(w, paging, wanted) + ": only on another drive (a temporary disk the image does not have)", fix);
        }
    }

    /** A path on the Windows volume: C:, %SystemRoot%, %SystemDrive%, or ?: (system managed). */
    static boolean onOsDisk(String path) {
        String p = path.strip().toUpperCase(Locale.ROOT);
        return p.startsWith("C:") || p.startsWith("?:") || p.startsWith("%SYSTEMROOT%") || p.startsWith("%SYSTEMDRIVE%")
                || p.startsWith("%WINDIR%") || p.startsWith("\\");
    }

    static String dumpType(long n) {
        return switch ((int) n) {
            case 0 -> "none, no dump is written";
            case 1 -> "complete memory dump";
            case 3 -> "small memory dump";
            case 7 -> "automatic memory dump";
            default -> "not a dump type";
        };
    }
}
