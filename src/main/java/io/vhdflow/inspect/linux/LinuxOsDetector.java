package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.packages.SoftwareInventory;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a filesystem is a Linux root and reads its identity, kernels, architecture and
 * provisioning agents. Reads only small files with caps, a directory listing or two, and 20 bytes
 * of one ELF binary.
 */
public final class LinuxOsDetector {

    /** Binaries whose ELF header names the architecture, in order of preference. */
    static final List<String> ELF_PROBES = List.of("/bin/sh", "/usr/bin/sh", "/usr/bin/ls", "/bin/ls", "/bin/busybox");
    static final List<String> WAAGENT_BINARIES = List.of("/usr/sbin/waagent", "/usr/bin/waagent", "/usr/local/sbin/waagent");
    static final List<String> WAAGENT_UNITS = List.of("walinuxagent.service", "waagent.service");
    static final List<String> CLOUD_INIT_UNITS = List.of("cloud-init-local.service", "cloud-init.service",
            "cloud-init-main.service", "cloud-init-network.service", "cloud-config.service", "cloud-final.service");
    private static final Pattern VERSION = Pattern.compile("(\\d+(?:\\.\\d+)*)");
    /** At most this many cloud.cfg.d files are read: real systems have a dozen. */
    private static final int MAX_CLOUD_CFG_FILES = 200;

    /**
     * Detects a Linux root on {@code fs}.
     *
     * @param location where the filesystem is on the disk, prefixing evidence
     * @return empty when the filesystem is not a Linux root ({@code /etc} with {@code fstab} or {@code os-release})
     */
    public Optional<LinuxOs> detect(Filesystem fs, String location) throws IOException {
        if (!isLinuxRoot(fs)) {
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        Identity id = identity(fs, notes);
        Optional<String> hostname = hostname(fs, notes);
        List<String> kernels = kernels(fs);
        Optional<String[]> arch = architecture(fs, notes);
        List<String> enabled = enabledUnits(fs);
        Optional<LinuxOs.Waagent> waagent = waagent(fs, enabled, notes);
        Optional<LinuxOs.CloudInit> cloudInit = cloudInit(fs, enabled, notes);
        LinuxOs.Provisioner provisioner = provisioner(waagent, cloudInit);
        return Optional.of(new LinuxOs(location, id.id, id.version, id.pretty, id.source, hostname, kernels,
                arch.map(a -> a[0]), arch.map(a -> a[1]), waagent, cloudInit, provisioner, notes, fs, List.of(),
                new SoftwareInventory(location, "Linux", id.id, id.version, List.of(), List.of())));
    }

    /** A Linux root: {@code /etc} with {@code fstab} or {@code os-release}. */
    public static boolean isLinuxRoot(Filesystem fs) throws IOException {
        return fs.isDirectory("/etc") && (fs.exists("/etc/fstab") || fs.exists("/etc/os-release")
                || fs.exists("/usr/lib/os-release"));
    }

    private record Identity(String id, Optional<String> version, Optional<String> pretty, Optional<String> source) {
    }

    private static Identity identity(Filesystem fs, List<String> notes) throws IOException {
        for (String p : List.of("/etc/os-release", "/usr/lib/os-release")) {
            Optional<String> text = readNoted(fs, p, notes);
            if (text.isPresent()) {
                OsRelease r = OsRelease.parse(text.get());
                if (r.get("ID").isPresent() || r.get("NAME").isPresent()) {
                    String id = r.get("ID").or(() -> r.get("NAME")).orElseThrow().toLowerCase(Locale.ROOT);
                    Optional<String> version = r.get("VERSION_ID");
                    if (version.isEmpty() && id.equals("debian")) {
                        // Debian testing/sid has no VERSION_ID; debian_version names the codename.
                        version = readNoted(fs, "/etc/debian_version", notes).map(String::strip).filter(s -> !s.isEmpty());
                    }
                    return new Identity(id, version, r.get("PRETTY_NAME").or(() -> r.get("NAME")), Optional.of(p));
                }
            }
        }
        Optional<String> lsb = readNoted(fs, "/etc/lsb-release", notes);
        if (lsb.isPresent()) {
            OsRelease r = OsRelease.parse(lsb.get());
            if (r.get("DISTRIB_ID").isPresent()) {
                return new Identity(r.get("DISTRIB_ID").get().toLowerCase(Locale.ROOT), r.get("DISTRIB_RELEASE"),
                        r.get("DISTRIB_DESCRIPTION"), Optional.of("/etc/lsb-release"));
            }
        }
        Optional<String> rh = readNoted(fs, "/etc/redhat-release", notes).map(LinuxOsDetector::firstLine);
        if (rh.isPresent() && !rh.get().isEmpty()) {
            String line = rh.get();
            String lower = line.toLowerCase(Locale.ROOT);
            String id = lower.startsWith("centos") ? "centos" : lower.startsWith("fedora") ? "fedora"
                    : lower.startsWith("rocky") ? "rocky" : lower.startsWith("almalinux") ? "almalinux"
                    : lower.startsWith("oracle") ? "ol" : lower.contains("red hat") ? "rhel" : "redhat-family";
            return new Identity(id, version(line), Optional.of(line), Optional.of("/etc/redhat-release"));
        }
        Optional<String> suse = readNoted(fs, "/etc/SuSE-release", notes);
        if (suse.isPresent()) {
            String first = firstLine(suse.get());
            String id = first.toLowerCase(Locale.ROOT).contains("opensuse") ? "opensuse" : "sles";
            Map<String, String> kv = new java.util.HashMap<>();
            for (String l : suse.get().split("\n")) {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    kv.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
                }
            }
            Optional<String> v = Optional.ofNullable(kv.get("VERSION"))
                    .map(x -> kv.containsKey("PATCHLEVEL") ? x + "." + kv.get("PATCHLEVEL") : x);
            return new Identity(id, v.or(() -> version(first)), Optional.of(first), Optional.of("/etc/SuSE-release"));
        }
        Optional<String> deb = readNoted(fs, "/etc/debian_version", notes).map(String::strip);
        if (deb.isPresent()) {
            return new Identity("debian", deb.filter(s -> !s.isEmpty()), Optional.empty(), Optional.of("/etc/debian_version"));
        }
        Optional<String> alpine = readNoted(fs, "/etc/alpine-release", notes).map(String::strip);
        if (alpine.isPresent()) {
            return new Identity("alpine", alpine.filter(s -> !s.isEmpty()), Optional.empty(), Optional.of("/etc/alpine-release"));
        }
        if (fs.exists("/etc/arch-release")) {
            return new Identity("arch", Optional.empty(), Optional.of("Arch Linux"), Optional.of("/etc/arch-release"));
        }
        notes.add("no os-release or classic release file: distribution unknown");
        return new Identity("unknown", Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Optional<String> hostname(Filesystem fs, List<String> notes) throws IOException {
        for (String p : List.of("/etc/hostname", "/etc/HOSTNAME")) {
            Optional<String> t = readNoted(fs, p, notes);
            if (t.isPresent()) {
                for (String l : t.get().split("\n")) {
                    String s = l.strip();
                    if (!s.isEmpty() && !s.startsWith("#")) {
                        return Optional.of(s);
                    }
                }
            }
        }
        Optional<String> net = readNoted(fs, "/etc/sysconfig/network", notes);
        return net.flatMap(t -> OsRelease.parse(t).get("HOSTNAME"));
    }

    private static List<String> kernels(Filesystem fs) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (DirEntry e : FileReads.list(fs, "/boot")) {
            for (String prefix : List.of("vmlinuz-", "vmlinux-", "Image-")) {
                if (e.name().startsWith(prefix) && e.name().length() > prefix.length()) {
                    out.add(e.name().substring(prefix.length()));
                }
            }
        }
        for (String dir : List.of("/lib/modules", "/usr/lib/modules")) {
            for (DirEntry e : FileReads.list(fs, dir)) {
                if (fs.isDirectory(FileReads.child(dir, e.name()))) {
                    out.add(e.name());
                }
            }
        }
        return List.copyOf(out);
    }

    private static Optional<String[]> architecture(Filesystem fs, List<String> notes) throws IOException {
        for (String p : ELF_PROBES) {
            if (!fs.isRegularFile(p)) {
                continue;
            }
            byte[] head = FileReads.head(fs, p, ElfMachine.HEADER_BYTES);
            Optional<Integer> m = ElfMachine.machine(head);
            if (m.isPresent()) {
                return Optional.of(new String[] {ElfMachine.azureName(m.get()), p});
            }
            notes.add(p + " is not an ELF binary");
        }
        return Optional.empty();
    }

    /** Unit names enabled by a symlink in any {@code /etc/systemd/system/*.wants} or {@code *.requires} directory. */
    static List<String> enabledUnits(Filesystem fs) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (DirEntry d : FileReads.list(fs, "/etc/systemd/system")) {
            if (d.name().endsWith(".wants") || d.name().endsWith(".requires")) {
                for (DirEntry u : FileReads.list(fs, "/etc/systemd/system/" + d.name())) {
                    if (u.type() == FileType.SYMLINK || u.type() == FileType.REGULAR) {
                        out.add(u.name());
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static Optional<LinuxOs.Waagent> waagent(Filesystem fs, List<String> enabled, List<String> notes)
            throws IOException {
        Optional<String> binary = Optional.empty();
        for (String b : WAAGENT_BINARIES) {
            if (fs.isRegularFile(b)) {
                binary = Optional.of(b);
                break;
            }
        }
        Optional<String> confText = Optional.empty();
        Optional<String> problem = Optional.empty();
        boolean confExists = fs.exists("/etc/waagent.conf");
        try {
            confText = FileReads.text(fs, "/etc/waagent.conf", FileReads.CONFIG_CAP);
        } catch (io.vhdflow.disk.fs.FileTooLargeException | java.nio.file.FileSystemLoopException e) {
            problem = Optional.of(e.getMessage());
            notes.add("/etc/waagent.conf: " + e.getMessage());
        }
        List<String> units = enabled.stream().filter(WAAGENT_UNITS::contains).toList();
        if (binary.isEmpty() && !confExists && problem.isEmpty() && units.isEmpty()) {
            return Optional.empty();
        }
        WaagentConfig conf = confText.map(WaagentConfig::parse).orElse(WaagentConfig.parse(""));
        conf.problems().forEach(p -> notes.add("/etc/waagent.conf: " + p));
        Optional<String> path = confText.isPresent() || problem.isPresent() ? Optional.of("/etc/waagent.conf") : Optional.empty();
        return Optional.of(new LinuxOs.Waagent(binary, path, conf, units, problem));
    }

    private static Optional<LinuxOs.CloudInit> cloudInit(Filesystem fs, List<String> enabled, List<String> notes)
            throws IOException {
        Optional<String> binary = fs.isRegularFile("/usr/bin/cloud-init") ? Optional.of("/usr/bin/cloud-init")
                : Optional.empty();
        List<String> units = enabled.stream().filter(CLOUD_INIT_UNITS::contains).toList();
        boolean cfg = fs.exists("/etc/cloud/cloud.cfg");
        if (binary.isEmpty() && units.isEmpty() && !cfg) {
            return Optional.empty();
        }
        List<Map.Entry<String, String>> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        paths.add("/etc/cloud/cloud.cfg");
        FileReads.list(fs, "/etc/cloud/cloud.cfg.d").stream().map(DirEntry::name).filter(n -> n.endsWith(".cfg"))
                .sorted().limit(MAX_CLOUD_CFG_FILES).forEach(n -> paths.add("/etc/cloud/cloud.cfg.d/" + n));
        List<String> read = new ArrayList<>();
        for (String p : paths) {
            try {
                Optional<String> t = FileReads.text(fs, p, CloudInitConfig.MAX_FILE_BYTES);
                if (t.isPresent()) {
                    files.add(new AbstractMap.SimpleImmutableEntry<>(p, t.get()));
                    read.add(p);
                }
            } catch (io.vhdflow.disk.fs.FileTooLargeException | java.nio.file.FileSystemLoopException e) {
                problems.add(p + ": " + e.getMessage());
            }
        }
        CloudInitConfig config = CloudInitConfig.merge(files).withProblems(problems);
        config.problems().forEach(p -> notes.add("cloud-init configuration: " + p));
        return Optional.of(new LinuxOs.CloudInit(binary, read, config, units,
                fs.exists("/etc/cloud/cloud-init.disabled")));
    }

    /**
     * The agent's own choice ({@code azurelinuxagent/pa/provision/factory.py}): {@code auto} means
     * cloud-init when cloud-init is enabled, the agent otherwise.
     */
    static LinuxOs.Provisioner provisioner(Optional<LinuxOs.Waagent> waagent, Optional<LinuxOs.CloudInit> cloudInit) {
        boolean ciEnabled = cloudInit.map(LinuxOs.CloudInit::enabled).orElse(false);
        if (waagent.isEmpty()) {
            return ciEnabled ? LinuxOs.Provisioner.CLOUD_INIT : LinuxOs.Provisioner.NONE;
        }
        return switch (waagent.get().config().provisioningAgent()) {
            case "disabled" -> LinuxOs.Provisioner.DISABLED;
            case "cloud-init" -> LinuxOs.Provisioner.CLOUD_INIT;
            case "waagent" -> LinuxOs.Provisioner.WAAGENT;
            default -> ciEnabled ? LinuxOs.Provisioner.CLOUD_INIT : LinuxOs.Provisioner.WAAGENT;
        };
    }

    /** A config read where a too-large or looping file becomes a note, not a failure of detection. */
    private static Optional<String> readNoted(Filesystem fs, String path, List<String> notes) throws IOException {
        try {
            return FileReads.text(fs, path, FileReads.CONFIG_CAP);
        } catch (io.vhdflow.disk.fs.FileTooLargeException | java.nio.file.FileSystemLoopException e) {
            notes.add(path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String> version(String line) {
        Matcher m = VERSION.matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }
}
