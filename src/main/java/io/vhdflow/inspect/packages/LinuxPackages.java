package io.vhdflow.inspect.packages;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the package databases of a Linux root offline: dpkg ({@code /var/lib/dpkg/status}), RPM
 * ({@code rpmdb.sqlite} through the SQLite driver, from memory; the Berkeley DB {@code Packages}
 * and ndb {@code Packages.db} formats are named as unsupported), and apk
 * ({@code /lib/apk/db/installed}). A database that cannot be read is reported with why, never
 * taken as "nothing installed".
 */
public final class LinuxPackages {

    /** Largest text database read (a dpkg status of 5,000 packages is about 10 MiB). */
    static final long TEXT_CAP = 64L << 20;
    /** Largest rpmdb.sqlite loaded into memory. */
    static final long SQLITE_CAP = 512L << 20;
    /** Most packages taken from one database. */
    static final int MAX_PACKAGES = 100_000;

    static final String DPKG_STATUS = "/var/lib/dpkg/status";
    static final List<String> RPM_DIRS = List.of("/usr/lib/sysimage/rpm", "/var/lib/rpm");
    static final List<String> APK_DBS = List.of("/lib/apk/db/installed", "/usr/lib/apk/db/installed");
    /** dpkg states in which the package's files are on disk (dpkg-query lists config-files too; they are not installed). */
    static final Set<String> DPKG_PRESENT = Set.of("installed", "unpacked", "half-configured", "triggers-awaited",
            "triggers-pending", "half-installed");

    private LinuxPackages() {
    }

    /**
     * Every package database on {@code fs}.
     *
     * @param location  where the root is, for the inventory
     * @param distroId  os-release {@code ID}, the package URLs' namespace
     * @param versionId os-release {@code VERSION_ID}, the package URLs' {@code distro} qualifier
     */
    public static SoftwareInventory read(Filesystem fs, String location, String distroId, Optional<String> versionId)
            throws IOException {
        List<PackageDatabase> dbs = new ArrayList<>();
        List<InstalledPackage> all = new ArrayList<>();
        Purls purls = new Purls(distroId, versionId);
        if (fs.isRegularFile(DPKG_STATUS)) {
            readInto(dbs, all, "dpkg", DPKG_STATUS, () -> dpkg(fs, purls));
        }
        boolean rpmSeen = false;
        for (String dir : RPM_DIRS) {
            if (rpmSeen) {
                break;
            }
            if (fs.isRegularFile(dir + "/rpmdb.sqlite")) {
                rpmSeen = true;
                String p = dir + "/rpmdb.sqlite";
                readInto(dbs, all, "rpm-sqlite", p, () -> rpmSqlite(fs, p, purls));
            } else if (fs.isRegularFile(dir + "/Packages.db")) {
                rpmSeen = true;
                dbs.add(new PackageDatabase("rpm-ndb", dir + "/Packages.db", 0, Optional.of(
                        "unsupported rpmdb format: ndb (SUSE); convert with 'rpmdb --rebuilddb --define \"_db_backend sqlite\"' to inventory it")));
            } else if (fs.isRegularFile(dir + "/Packages")) {
                rpmSeen = true;
                dbs.add(new PackageDatabase("rpm-bdb", dir + "/Packages", 0, Optional.of(
                        "unsupported rpmdb format: Berkeley DB (RHEL/CentOS 7 and 8); the packages are not listed")));
            }
        }
        for (String p : APK_DBS) {
            if (fs.isRegularFile(p)) {
                readInto(dbs, all, "apk", p, () -> apk(fs, p, purls));
                break;
            }
        }
        return new SoftwareInventory(location, "Linux", distroId, versionId, dbs, all);
    }

    @FunctionalInterface
    private interface Reader {
        List<InstalledPackage> read() throws IOException;
    }

    /** Runs one reader; a damaged or oversized database becomes its problem, not a failed inspection. */
    private static void readInto(List<PackageDatabase> dbs, List<InstalledPackage> all, String format, String path,
                                 Reader r) throws IOException {
        try {
            List<InstalledPackage> got = r.read();
            dbs.add(new PackageDatabase(format, path, got.size(), Optional.empty()));
            all.addAll(got);
        } catch (DiskException | java.nio.file.FileSystemLoopException e) {
            dbs.add(new PackageDatabase(format, path, 0, Optional.of(e.getMessage())));
        }
    }

    // ------------------------------------------------------------------ dpkg

    static List<InstalledPackage> dpkg(Filesystem fs, Purls purls) throws IOException {
        checkSize(fs, DPKG_STATUS, TEXT_CAP);
        List<InstalledPackage> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.newInputStream(DPKG_STATUS), StandardCharsets.UTF_8))) {
            Map<String, String> stanza = new LinkedHashMap<>();
            String last = null;
            String line;
            while (true) {
                line = r.readLine();
                if (line == null || line.isBlank()) {
                    if (!stanza.isEmpty()) {
                        dpkgPackage(stanza, purls).ifPresent(out::add);
                        limit(out, DPKG_STATUS);
                        stanza.clear();
                    }
                    if (line == null) {
                        break;
                    }
                    last = null;
                    continue;
                }
                if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                    continue; // continuation of a multi-line field (Description, Conffiles): not needed
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    last = line.substring(0, colon);
                    stanza.put(last, line.substring(colon + 1).strip());
                }
            }
        }
        return out;
    }

    private static Optional<InstalledPackage> dpkgPackage(Map<String, String> f, Purls purls) {
        String name = f.get("Package");
        String status = f.getOrDefault("Status", "");
        String[] words = status.split("\\s+");
        if (name == null || words.length < 3 || !DPKG_PRESENT.contains(words[2]) || !f.containsKey("Version")) {
            return Optional.empty();
        }
        String version = f.get("Version");
        Optional<String> arch = Optional.ofNullable(f.get("Architecture"));
        return Optional.of(new InstalledPackage(InstalledPackage.Ecosystem.DEB, name, version, Optional.empty(), arch,
                purls.deb(name, version, arch), Optional.ofNullable(f.get("Maintainer")), Optional.empty()));
    }

    // ------------------------------------------------------------------ rpm

    static List<InstalledPackage> rpmSqlite(Filesystem fs, String path, Purls purls) throws IOException {
        FileAttributes a = checkSize(fs, path, SQLITE_CAP);
        byte[] db = fs.readAllBytes(path, SQLITE_CAP);
        if (db.length < 100 || !new String(db, 0, 16, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
            throw new DiskException(io.vhdflow.disk.ErrorKind.CORRUPT, path, 0, "not an SQLite 3 database");
        }
        // A WAL-mode database (header bytes 18/19 = 2) cannot be opened from memory; as a
        // checkpointed file it reads like a rollback-journal one.
        db[18] = 1;
        db[19] = 1;
        List<InstalledPackage> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().deserialize("main", db);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
                while (rs.next()) {
                    String where = path + " Packages row hnum " + rs.getLong(1);
                    RpmHeader h = RpmHeader.parse(rs.getBytes(2), where);
                    String name = h.string(RpmHeader.NAME).orElseThrow(() ->
                            new DiskException(io.vhdflow.disk.ErrorKind.CORRUPT, where, 0, "header has no NAME tag"));
                    String version = h.string(RpmHeader.VERSION).orElse("") + h.string(RpmHeader.RELEASE).map(r -> "-" + r).orElse("");
                    Optional<String> epoch = h.int32(RpmHeader.EPOCH).map(String::valueOf);
                    Optional<String> arch = h.string(RpmHeader.ARCH);
                    out.add(new InstalledPackage(InstalledPackage.Ecosystem.RPM, name, version, epoch, arch,
                            purls.rpm(name, version, epoch, arch), h.string(RpmHeader.VENDOR), h.string(RpmHeader.LICENSE)));
                    limit(out, path);
                }
            }
        } catch (SQLException e) {
            throw new DiskException(io.vhdflow.disk.ErrorKind.CORRUPT, path, -1, "SQLite cannot read it: " + e.getMessage(), e);
        }
        return out;
    }

    // ------------------------------------------------------------------ apk

    static List<InstalledPackage> apk(Filesystem fs, String path, Purls purls) throws IOException {
        checkSize(fs, path, TEXT_CAP);
        List<InstalledPackage> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.newInputStream(path), StandardCharsets.UTF_8))) {
            Map<Character, String> f = new LinkedHashMap<>();
            String line;
            while (true) {
                line = r.readLine();
                if (line == null || line.isEmpty()) {
                    if (f.containsKey('P') && f.containsKey('V')) {
                        String name = f.get('P');
                        String version = f.get('V');
                        Optional<String> arch = Optional.ofNullable(f.get('A'));
                        out.add(new InstalledPackage(InstalledPackage.Ecosystem.APK, name, version, Optional.empty(), arch,
                                purls.apk(name, version, arch), Optional.ofNullable(f.get('m')), Optional.ofNullable(f.get('L'))));
                        limit(out, path);
                    }
                    f.clear();
                    if (line == null) {
                        break;
                    }
                    continue;
                }
                if (line.length() >= 2 && line.charAt(1) == ':') {
                    f.putIfAbsent(line.charAt(0), line.substring(2));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ common

    private static FileAttributes checkSize(Filesystem fs, String path, long cap) throws IOException {
        FileAttributes a = fs.stat(path);
        if (a.size() > cap) {
            throw new io.vhdflow.disk.fs.FileTooLargeException(path, a.size(), cap);
        }
        return a;
    }

    private static void limit(List<InstalledPackage> out, String path) throws DiskException {
        if (out.size() > MAX_PACKAGES) {
            throw new DiskException(io.vhdflow.disk.ErrorKind.LIMIT_EXCEEDED, path, -1, "more than " + MAX_PACKAGES + " packages");
        }
    }

    /** Package URLs (purl-spec) for the OS the packages belong to. */
    static final class Purls {
        private final String namespace;
        private final Optional<String> distro;

        Purls(String distroId, Optional<String> versionId) {
            String id = distroId.toLowerCase(Locale.ROOT);
            // purl-spec's rpm examples and common SBOM tools name Red Hat Enterprise Linux "redhat".
            this.namespace = id.equals("rhel") ? "redhat" : id;
            this.distro = versionId.map(v -> id + "-" + v);
        }

        Optional<String> deb(String name, String version, Optional<String> arch) {
            return build("deb", name, version, arch, Optional.empty());
        }

        Optional<String> rpm(String name, String version, Optional<String> epoch, Optional<String> arch) {
            return build("rpm", name, version, arch, epoch);
        }

        Optional<String> apk(String name, String version, Optional<String> arch) {
            return build("apk", name, version, arch, Optional.empty());
        }

        private Optional<String> build(String type, String name, String version, Optional<String> arch,
                                       Optional<String> epoch) {
            try {
                PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType(type).withName(name).withVersion(version);
                if (!namespace.isEmpty() && !namespace.equals("unknown")) {
                    b.withNamespace(namespace);
                }
                arch.ifPresent(a -> b.withQualifier("arch", a));
                epoch.ifPresent(e -> b.withQualifier("epoch", e));
                distro.ifPresent(d -> b.withQualifier("distro", d));
                return Optional.of(b.build().canonicalize());
            } catch (MalformedPackageURLException e) {
                return Optional.empty();
            }
        }
    }
}
