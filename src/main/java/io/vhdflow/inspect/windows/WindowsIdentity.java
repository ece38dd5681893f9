package io.vhdflow.inspect.windows;

import java.io.IOException;
import java.util.Optional;

/**
 * W16: who this Windows is, for the catalog and the report (SOFTWARE
 * {@code Microsoft\Windows NT\CurrentVersion}, as libguestfs reads it).
 *
 * @param productName      e.g. {@code Windows Server 2022 Datacenter}
 * @param version          {@code major.minor}, e.g. {@code 10.0}
 * @param build            {@code CurrentBuildNumber}
 * @param installationType {@code Server}, {@code Client}, {@code Server Core}
 * @param edition          {@code EditionID}
 * @param controlSet       the current control set, e.g. {@code ControlSet001}
 * @param architecture     {@code x64} or {@code Arm64} when known
 */
public record WindowsIdentity(Optional<String> productName, Optional<String> version, Optional<String> build,
                              Optional<String> installationType, Optional<String> edition,
                              Optional<String> controlSet, Optional<String> architecture) {

    static final String CURRENT_VERSION = "Microsoft\\Windows NT\\CurrentVersion";

    public static WindowsIdentity read(WindowsSystem w) throws IOException {
        Optional<String> major = WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "CurrentMajorVersionNumber"));
        Optional<String> minor = WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "CurrentMinorVersionNumber"));
        Optional<String> version = major.isPresent()
                ? Optional.of(major.get() + "." + minor.orElse("0"))
                : WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "CurrentVersion"));
        return new WindowsIdentity(
                WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "ProductName")),
                version,
                WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "CurrentBuildNumber")),
                WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "InstallationType")),
                WindowsSystem.text(w.softwareValue(CURRENT_VERSION, "EditionID")),
                w.currentControlSetName(),
                WindowsArchitecture.read(w).architecture());
    }

    /** One line for the report: {@code Windows Server 2022 Datacenter 10.0 build 20348 (Server, x64)}. */
    public String describe() {
        return productName.orElse("Windows") + version.map(v -> " " + v).orElse("")
                + build.map(b -> " build " + b).orElse("")
                + " (" + installationType.orElse("?") + ", " + architecture.orElse("?") + ")";
    }
}
