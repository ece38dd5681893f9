package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.InspectedOs;
import io.vhdflow.inspect.packages.SoftwareInventory;
import io.vhdflow.inspect.packages.WindowsPrograms;

import java.util.Optional;

/**
 * A Windows installation found on a volume.
 *
 * @param system       its volume and hives
 * @param identity     who it is, when the SOFTWARE hive could be read
 * @param architecture {@code x64}, {@code Arm64}, {@code x86}, ... by the first source that tells (W15), when one does
 */
public record WindowsInstallation(WindowsSystem system, Optional<WindowsIdentity> identity,
                                  Optional<String> architecture) implements InspectedOs {

    @Override
    public String osType() {
        return "Windows";
    }

    @Override
    public String displayName() {
        return identity.map(WindowsIdentity::describe).orElse("Windows (SOFTWARE hive unreadable)");
    }

    @Override
    public String location() {
        return system.location();
    }

    /** The programs of "Apps and features", from the SOFTWARE hive's uninstall keys. */
    @Override
    public Optional<SoftwareInventory> inventory() {
        return system.software().map(h -> WindowsPrograms.read(h, location(), identity.flatMap(WindowsIdentity::build)));
    }
}
