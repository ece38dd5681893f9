package io.vhdflow.inspect.linux;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The distribution families whose preparation rules differ: how the network is configured, what the
 * agent's package and service are called, how the initramfs is built, how the system is
 * registered. A distribution belongs to a family by its os-release {@code ID}, else by the first
 * {@code ID_LIKE} entry that names one.
 */
public enum LinuxFamily {
    /** Debian, Ubuntu and their derivatives: dpkg, netplan or ifupdown, walinuxagent.service. */
    DEBIAN("debian", "Debian family", List.of("debian", "ubuntu", "raspbian", "linuxmint", "kali", "devuan", "pop")),
    /**
     * Red Hat Enterprise Linux and rebuilds (CentOS, Rocky, AlmaLinux, Oracle Linux) and Fedora: rpm
     * with dnf/yum, network-scripts or NetworkManager, dracut, WALinuxAgent with waagent.service.
     */
    RHEL("rhel", "RHEL family", List.of("rhel", "centos", "rocky", "almalinux", "ol", "fedora", "cloudlinux",
            "eurolinux", "virtuozzo", "scientific", "redhat-family")),
    /** SUSE Linux Enterprise and openSUSE: rpm with zypper, wicked ifcfg files, dracut, python-azure-agent. */
    SUSE("suse", "SUSE family", List.of("sles", "sled", "sles_sap", "sle-micro", "opensuse", "opensuse-leap",
            "opensuse-tumbleweed", "opensuse-microos", "suse")),
    /** Azure Linux (formerly CBL-Mariner): rpm with tdnf, WALinuxAgent and cloud-init. */
    AZURE_LINUX("azurelinux", "Azure Linux", List.of("azurelinux", "mariner")),
    /** Anything else (Arch, Alpine, an unknown distribution): only the rules common to every family apply. */
    OTHER("other", "no known family", List.of());

    private final String label;
    private final String display;
    private final List<String> ids;

    LinuxFamily(String label, String display, List<String> ids) {
        this.label = label;
        this.display = display;
        this.ids = ids;
    }

    /** Short name in evidence: {@code debian}, {@code rhel}, {@code suse}, {@code azurelinux}, {@code other}. */
    public String label() {
        return label;
    }

    /** Readable name: {@code RHEL family}. */
    public String display() {
        return display;
    }

    /** The family a distribution id names, if any ({@code opensuse-*} ids are SUSE). */
    public static Optional<LinuxFamily> ofId(String id) {
        String i = id.strip().toLowerCase(Locale.ROOT);
        for (LinuxFamily f : values()) {
            if (f.ids.contains(i)) {
                return Optional.of(f);
            }
        }
        return i.startsWith("opensuse") ? Optional.of(SUSE) : Optional.empty();
    }
}
