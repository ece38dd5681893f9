package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.InspectedOs;

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
}
