package io.vhdflow.inspect.packages;

import java.util.Optional;

/**
 * One installed package (or, on Windows, one installed program) as its database records it.
 *
 * @param ecosystem where it comes from
 * @param name      package name ({@code openssh-server}); a Windows program's display name
 * @param version   the full version as the package manager prints it: {@code 1:9.2p1-2+deb12u3} (dpkg,
 *                  with epoch), {@code 8.7p1-38.el9} (rpm: version-release; epoch in {@link #epoch})
 * @param epoch     rpm epoch, when set
 * @param arch      architecture ({@code amd64}, {@code x86_64}, {@code noarch}), when recorded
 * @param purl      package URL, e.g. {@code pkg:deb/debian/openssh-server@1:9.2p1-2%2Bdeb12u3?arch=amd64&distro=debian-12}
 * @param publisher maintainer, vendor or Windows publisher, when recorded
 * @param license   license as the package states it (rpm {@code License}, apk {@code L:}), when recorded
 */
public record InstalledPackage(Ecosystem ecosystem, String name, String version, Optional<String> epoch,
                               Optional<String> arch, Optional<String> purl, Optional<String> publisher,
                               Optional<String> license) {

    /** The package systems read. */
    public enum Ecosystem {
        DEB, RPM, APK, WINDOWS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
