package io.vhdflow.inspect.windows;

import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The architecture of a Windows installation (W15), from the first of these sources that tells,
 * in this order, each named in the evidence:
 * <ol>
 *   <li>SYSTEM {@code <current control set>\Control\Session Manager\Environment\PROCESSOR_ARCHITECTURE};</li>
 *   <li>the PE machine type of {@code Windows\System32\ntoskrnl.exe}, then {@code cmd.exe}, then
 *       {@code kernel32.dll} (libguestfs reads {@code cmd.exe}'s; the kernel is the best witness);</li>
 *   <li>folders: {@code Windows\SysArm32} or {@code Windows\SyChpe32} exist only on Arm64 Windows
 *       (32-bit Arm and compiled-hybrid x86 binaries); {@code Windows\SysWOW64} on any 64-bit Windows, so
 *       without the Arm64 folders it means x64.</li>
 * </ol>
 * A hive that is damaged, or a PE file that cannot be read, is noted and the next source tried:
 * the answer is "unknown" only when every source is missing or unreadable.
 *
 * @param architecture {@code x64}, {@code Arm64}, {@code x86}, {@code Arm} or another name the registry gives
 * @param evidence     every source tried, in order, with what it said
 */
public record WindowsArchitecture(Optional<String> architecture, List<String> evidence) {

    static final String SYSTEM32 = "/Windows/System32/";
    static final List<String> PE_FILES = List.of("ntoskrnl.exe", "cmd.exe", "kernel32.dll");

    public WindowsArchitecture {
        evidence = List.copyOf(evidence);
    }

    /** Reads the architecture of {@code w}; never fails (every failure is evidence). */
    public static WindowsArchitecture read(WindowsSystem w) {
        List<String> ev = new ArrayList<>();
        int step = 1;
        try {
            RegistryReading r = w.controlSet("Control\\Session Manager\\Environment", "PROCESSOR_ARCHITECTURE");
            if (w.system().isEmpty()) {
                ev.add(step + ". SYSTEM hive PROCESSOR_ARCHITECTURE: the hive cannot be read");
            } else if (r.text().isPresent() && !r.text().get().isBlank()) {
                String arch = fromRegistry(r.text().get());
                ev.add(step + ". " + w.where(r.path()) + " = " + r.text().get() + " (" + arch + ")");
                return new WindowsArchitecture(Optional.of(arch), ev);
            } else {
                ev.add(step + ". " + w.where(r.path()) + ": absent");
            }
        } catch (IOException e) {
            ev.add(step + ". SYSTEM hive PROCESSOR_ARCHITECTURE cannot be read (" + ErrorKind.of(e).label() + "): "
                    + e.getMessage());
        }
        step++;
        for (String name : PE_FILES) {
            String path = SYSTEM32 + name;
            try {
                if (!w.filesystem().isRegularFile(path)) {
                    ev.add(step + ". " + w.where(path) + ": absent");
                } else {
                    int machine = PeMachine.machine(w.filesystem().open(path));
                    Optional<String> arch = PeMachine.architecture(machine);
                    ev.add(step + ". " + w.where(path) + " PE machine type " + String.format("0x%04X", machine)
                            + arch.map(a -> " (" + a + ")").orElse(" (not a known Windows architecture)"));
                    if (arch.isPresent()) {
                        return new WindowsArchitecture(arch, ev);
                    }
                }
            } catch (IOException e) {
                ev.add(step + ". " + w.where(path) + " cannot be read (" + ErrorKind.of(e).label() + "): " + e.getMessage());
            }
            step++;
        }
        for (String folder : List.of("/Windows/SysArm32", "/Windows/SyChpe32", "/Windows/SysWOW64")) {
            try {
                if (w.filesystem().isDirectory(folder)) {
                    boolean arm = !folder.endsWith("SysWOW64");
                    String arch = arm ? "Arm64" : "x64";
                    ev.add(step + ". " + w.where(folder) + " exists: "
                            + (arm ? "only Arm64 Windows has it (Arm64)" : "a 64-bit Windows, and no SysArm32 or SyChpe32, so x64"));
                    return new WindowsArchitecture(Optional.of(arch), ev);
                }
                ev.add(step + ". " + w.where(folder) + ": absent");
            } catch (IOException e) {
                ev.add(step + ". " + w.where(folder) + " cannot be read (" + ErrorKind.of(e).label() + "): " + e.getMessage());
            }
            step++;
        }
        return new WindowsArchitecture(Optional.empty(), ev);
    }

    /** PROCESSOR_ARCHITECTURE's value as the architecture names used in reports and the catalog. */
    static String fromRegistry(String value) {
        return switch (value.strip().toUpperCase(Locale.ROOT)) {
            case "AMD64" -> "x64";
            case "ARM64" -> "Arm64";
            case "X86" -> "x86";
            case "ARM" -> "Arm";
            case "IA64" -> "IA64";
            default -> value.strip();
        };
    }
}
