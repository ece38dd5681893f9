package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which family a Linux installation belongs to, how that was decided, and which agent provisions
 * it: what the family rules key on, and what the report shows so an operator sees why a family
 * rule did or did not run.
 *
 * <p>The family comes from the first of: os-release {@code ID}, then its {@code ID_LIKE} entries in
 * order; the classic release files ({@code /etc/redhat-release}, {@code /etc/SuSE-release},
 * {@code /etc/debian_version}, {@code lsb-release}, as {@link LinuxOsDetector} read them); the
 * package database present (dpkg; rpm with tdnf, zypp or dnf/yum). Only the databases' presence
 * and format are read here, not their content.
 *
 * @param family           the family
 * @param distroId         the distribution id, e.g. {@code rocky}
 * @param idLike           os-release {@code ID_LIKE} entries, in order
 * @param version          os-release {@code VERSION_ID} or the classic file's version
 * @param decidedBy        what decided the family, e.g. {@code /etc/os-release ID_LIKE=rhel}
 * @param packageDatabases the package databases present, e.g. {@code rpm (sqlite) /var/lib/rpm/rpmdb.sqlite}
 * @param agent            which agent provisions and which reports
 */
public record Distribution(LinuxFamily family, String distroId, List<String> idLike, Optional<String> version,
                           String decidedBy, List<String> packageDatabases, AgentInCharge agent) {

    public Distribution {
        idLike = List.copyOf(idLike);
        packageDatabases = List.copyOf(packageDatabases);
    }

    /** Who provisions a VM created from the image, and whether the Azure Linux Agent also runs to report. */
    public enum AgentInCharge {
        WAAGENT_ALONE("the Azure Linux Agent provisions (waagent alone)"),
        CLOUD_INIT_WAAGENT_REPORTING("cloud-init provisions, the Azure Linux Agent reports and runs extensions"),
        CLOUD_INIT_ALONE("cloud-init provisions and reports ready itself (no Azure Linux Agent)"),
        CLOUD_INIT_MISSING("the Azure Linux Agent leaves provisioning to cloud-init, which is not installed or not enabled:"
                + " nothing provisions"),
        DISABLED("no agent provisions (Provisioning.Agent=disabled)"),
        NONE("no provisioning agent installed");

        private final String text;

        AgentInCharge(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * Package databases by the files that hold them: the format and path of each. The rpm database
     * moved from {@code /var/lib/rpm} to {@code /usr/lib/sysimage/rpm} on SUSE and recent Fedora.
     */
    static final List<String[]> DATABASES = List.of(
            new String[] {"/var/lib/dpkg/status", "dpkg"},
            new String[] {"/var/lib/rpm/rpmdb.sqlite", "rpm (sqlite)"},
            new String[] {"/usr/lib/sysimage/rpm/rpmdb.sqlite", "rpm (sqlite)"},
            new String[] {"/var/lib/rpm/Packages", "rpm (Berkeley DB)"},
            new String[] {"/var/lib/rpm/Packages.db", "rpm (ndb)"},
            new String[] {"/usr/lib/sysimage/rpm/Packages.db", "rpm (ndb)"},
            new String[] {"/usr/lib/sysimage/rpm/Packages", "rpm (Berkeley DB)"},
            new String[] {"/var/lib/tdnf", "tdnf"},
            new String[] {"/var/cache/tdnf", "tdnf (cache)"},
            new String[] {"/var/lib/zypp", "zypp"},
            new String[] {"/var/lib/dnf", "dnf"},
            new String[] {"/var/lib/yum", "yum"},
            new String[] {"/lib/apk/db/installed", "apk"});

    /** Reads the family of the installation {@code os} describes, from {@code fs}. */
    public static Distribution read(Filesystem fs, LinuxOs os) throws IOException {
        List<String> dbs = new ArrayList<>();
        for (String[] d : DATABASES) {
            if (FileReads.lstat(fs, d[0]).isPresent()) {
                dbs.add(d[1] + " " + d[0]);
            }
        }
        AgentInCharge agent = agent(os);
        List<String> like = List.of();
        Optional<String[]> release = osRelease(fs);
        if (release.isPresent()) {
            String path = release.get()[0];
            OsRelease r = OsRelease.parse(release.get()[1]);
            String id = r.get("ID").orElse("").toLowerCase(Locale.ROOT);
            like = r.get("ID_LIKE").map(v -> Arrays.stream(v.toLowerCase(Locale.ROOT).split("\\s+"))
                    .filter(s -> !s.isEmpty()).limit(16).toList()).orElse(List.of());
            Optional<LinuxFamily> byId = LinuxFamily.ofId(id);
            if (byId.isPresent()) {
                return new Distribution(byId.get(), os.distroId(), like, os.version(), path + " ID=" + id, dbs, agent);
            }
            for (String l : like) {
                Optional<LinuxFamily> f = LinuxFamily.ofId(l);
                if (f.isPresent()) {
                    return new Distribution(f.get(), os.distroId(), like, os.version(), path + " ID=" + id + ", ID_LIKE="
                            + String.join(" ", like) + " (" + l + ")", dbs, agent);
                }
            }
        }
        Optional<LinuxFamily> classic = LinuxFamily.ofId(os.distroId());
        if (classic.isPresent() && os.releaseSource().isPresent() && !os.releaseSource().get().endsWith("os-release")) {
            return new Distribution(classic.get(), os.distroId(), like, os.version(), os.releaseSource().get() + " ("
                    + os.prettyName().or(os::version).orElse(os.distroId()) + ")", dbs, agent);
        }
        Optional<String> byDb = byDatabase(fs, dbs);
        if (byDb.isPresent()) {
            String[] d = byDb.get().split("\\|", 2);
            return new Distribution(LinuxFamily.valueOf(d[0]), os.distroId(), like, os.version(), "package database: " + d[1],
                    dbs, agent);
        }
        return new Distribution(LinuxFamily.OTHER, os.distroId(), like, os.version(), release.isPresent()
                ? "os-release ID=" + os.distroId() + " names no known family" : "no release file or package database names a family",
                dbs, agent);
    }

    /** The os-release file read (path, text), {@code /etc} before {@code /usr/lib}; unreadable ones are skipped. */
    private static Optional<String[]> osRelease(Filesystem fs) throws IOException {
        for (String p : List.of("/etc/os-release", "/usr/lib/os-release")) {
            try {
                Optional<String> t = FileReads.text(fs, p, FileReads.CONFIG_CAP);
                if (t.isPresent()) {
                    return Optional.of(new String[] {p, t.get()});
                }
            } catch (io.vhdflow.disk.fs.FileTooLargeException | java.nio.file.FileSystemLoopException e) {
                // the detector noted it; the family then comes from the fallbacks
            }
        }
        return Optional.empty();
    }

    /** A family from the package databases present: {@code FAMILY|why}. */
    private static Optional<String> byDatabase(Filesystem fs, List<String> dbs) throws IOException {
        boolean dpkg = dbs.stream().anyMatch(d -> d.startsWith("dpkg "));
        boolean rpm = dbs.stream().anyMatch(d -> d.startsWith("rpm "));
        String rpmDb = dbs.stream().filter(d -> d.startsWith("rpm ")).findFirst().orElse("");
        if (dpkg) {
            return Optional.of("DEBIAN|" + dbs.stream().filter(d -> d.startsWith("dpkg ")).findFirst().orElseThrow());
        }
        if (!rpm) {
            return Optional.empty();
        }
        if (dbs.stream().anyMatch(d -> d.startsWith("tdnf")) || fs.exists("/etc/tdnf/tdnf.conf")) {
            return Optional.of("AZURE_LINUX|" + rpmDb + " with tdnf");
        }
        if (dbs.stream().anyMatch(d -> d.startsWith("zypp ")) || fs.exists("/etc/zypp/zypp.conf")) {
            return Optional.of("SUSE|" + rpmDb + " with zypp");
        }
        if (dbs.stream().anyMatch(d -> d.startsWith("dnf ") || d.startsWith("yum ")) || fs.exists("/etc/dnf/dnf.conf")
                || fs.exists("/etc/yum.conf")) {
            return Optional.of("RHEL|" + rpmDb + " with dnf/yum");
        }
        return Optional.empty();
    }

    /** The agent in charge, from the detector's provisioner and what is installed. */
    static AgentInCharge agent(LinuxOs os) {
        boolean waagent = os.waagent().isPresent();
        return switch (os.provisioner()) {
            case WAAGENT -> AgentInCharge.WAAGENT_ALONE;
            case CLOUD_INIT -> !os.cloudInit().map(LinuxOs.CloudInit::enabled).orElse(false) ? AgentInCharge.CLOUD_INIT_MISSING
                    : waagent ? AgentInCharge.CLOUD_INIT_WAAGENT_REPORTING : AgentInCharge.CLOUD_INIT_ALONE;
            case DISABLED -> AgentInCharge.DISABLED;
            case NONE -> AgentInCharge.NONE;
        };
    }

    /** For evidence: {@code rhel family (rocky 9.4, by /etc/os-release ID=rocky)}. */
    public String describe() {
        return family.label() + " family (" + distroId + version.map(v -> " " + v).orElse("") + ", by " + decidedBy + ")";
    }
}
