package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.InspectedOs;
import io.vhdflow.inspect.linux.boot.FstabMounts;
import io.vhdflow.inspect.packages.SoftwareInventory;

import java.util.List;
import java.util.Optional;

/**
 * A Linux root filesystem found on a disk and what was read from it. Everything is read, nothing
 * typed in: these facts feed the checks and the catalog.
 *
 * @param location        where the filesystem is, e.g. {@code gpt:p3/lvm:rootvg/root/xfs}; prefixes evidence
 * @param distroId        os-release {@code ID} (lower case, e.g. {@code debian}, {@code ubuntu}, {@code rhel}),
 *                        or the id derived from a classic release file, or {@code unknown}
 * @param version         os-release {@code VERSION_ID} or the classic file's version
 * @param prettyName      os-release {@code PRETTY_NAME} or the classic file's first line
 * @param releaseSource   the file the identity came from, e.g. {@code /etc/os-release}
 * @param hostname        the static hostname ({@code /etc/hostname}, {@code /etc/HOSTNAME})
 * @param kernels         installed kernel versions ({@code /boot/vmlinuz-*}, {@code /lib/modules/*}), sorted
 * @param architecture    {@code x64}, {@code Arm64} or another ELF machine name
 * @param architectureSource the binary whose ELF header gave the architecture
 * @param waagent         the Azure Linux Agent when installed
 * @param cloudInit       cloud-init when installed
 * @param provisioner     which of them provisions a VM created from this image
 * @param notes           things noticed while detecting (unreadable files, legacy settings)
 * @param filesystem      the root filesystem (a view, with whatever else is mounted) it was read from
 * @param mounts          what became of each {@code /etc/fstab} entry when the view was assembled
 *                        ({@link FstabMounts}); empty when the view is the root alone
 * @param software        the installed packages, from the package databases read through the view
 */
public record LinuxOs(String location, String distroId, Optional<String> version, Optional<String> prettyName,
                      Optional<String> releaseSource, Optional<String> hostname, List<String> kernels,
                      Optional<String> architecture, Optional<String> architectureSource,
                      Optional<Waagent> waagent, Optional<CloudInit> cloudInit, Provisioner provisioner,
                      List<String> notes, Filesystem filesystem, List<FstabMounts.FstabMount> mounts,
                      SoftwareInventory software) implements InspectedOs {

    public LinuxOs {
        kernels = List.copyOf(kernels);
        notes = List.copyOf(notes);
        mounts = List.copyOf(mounts);
    }

    /** This OS with the outcome of its fstab entries (the filesystem is already the assembled view). */
    public LinuxOs withMounts(List<FstabMounts.FstabMount> fstabMounts) {
        return new LinuxOs(location, distroId, version, prettyName, releaseSource, hostname, kernels, architecture,
                architectureSource, waagent, cloudInit, provisioner, notes, filesystem, fstabMounts, software);
    }

    /** This OS with its package inventory. */
    public LinuxOs withSoftware(SoftwareInventory inventory) {
        return new LinuxOs(location, distroId, version, prettyName, releaseSource, hostname, kernels, architecture,
                architectureSource, waagent, cloudInit, provisioner, notes, filesystem, mounts, inventory);
    }

    /** Who provisions a VM created from the image. */
    public enum Provisioner {
        /** The Azure Linux Agent itself ({@code Provisioning.Agent=waagent}, or auto without cloud-init). */
        WAAGENT,
        /** cloud-init ({@code Provisioning.Agent=cloud-init}, or auto with cloud-init enabled, or cloud-init alone). */
        CLOUD_INIT,
        /** The agent is installed with {@code Provisioning.Agent=disabled} and cloud-init does not provision. */
        DISABLED,
        /** No provisioning agent found. */
        NONE
    }

    /**
     * The Azure Linux Agent as installed.
     *
     * @param binary       {@code /usr/sbin/waagent} (or another location) when present
     * @param configPath   {@code /etc/waagent.conf} when present
     * @param config       its parsed settings (empty map when absent)
     * @param enabledUnits agent unit names enabled by a {@code *.wants} symlink under {@code /etc/systemd/system}
     * @param configProblem why {@code /etc/waagent.conf} exists but could not be read (too large, link loop);
     *                     the configuration checks then do not run rather than assume defaults
     */
    public record Waagent(Optional<String> binary, Optional<String> configPath, WaagentConfig config,
                          List<String> enabledUnits, Optional<String> configProblem) {
        public Waagent {
            enabledUnits = List.copyOf(enabledUnits);
        }
    }

    /**
     * cloud-init as installed.
     *
     * @param binary         {@code /usr/bin/cloud-init} when present
     * @param configFiles    the configuration files read, in merge order
     * @param config         the merged settings the checks need
     * @param enabledUnits   cloud-init unit names enabled by a {@code *.wants} symlink
     * @param disabledByFile {@code /etc/cloud/cloud-init.disabled} exists (cloud-init then does nothing at boot)
     */
    public record CloudInit(Optional<String> binary, List<String> configFiles, CloudInitConfig config,
                            List<String> enabledUnits, boolean disabledByFile) {
        public CloudInit {
            configFiles = List.copyOf(configFiles);
            enabledUnits = List.copyOf(enabledUnits);
        }

        /** Enabled: its units are enabled and it is not switched off by {@code cloud-init.disabled}. */
        public boolean enabled() {
            return !enabledUnits.isEmpty() && !disabledByFile;
        }
    }

    /** True for Ubuntu at or after {@code major} (e.g. 18 for 18.04). */
    public boolean isUbuntuAtLeast(int major) {
        if (!distroId.equals("ubuntu")) {
            return false;
        }
        return version.map(v -> {
            String m = v.split("\\.")[0];
            return m.matches("\\d{1,4}") && Integer.parseInt(m) >= major;
        }).orElse(false);
    }

    @Override
    public String osType() {
        return "Linux";
    }

    @Override
    public Optional<SoftwareInventory> inventory() {
        return Optional.of(software);
    }

    /** Readable name for reports, e.g. {@code Debian GNU/Linux 12 (bookworm)}. */
    @Override
    public String displayName() {
        return prettyName.orElse(distroId + version.map(v -> " " + v).orElse(""));
    }
}
