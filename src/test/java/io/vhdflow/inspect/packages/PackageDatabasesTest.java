package io.vhdflow.inspect.packages;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.inspect.sbom.CycloneDxSbom;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Package databases made by the real tools (fixtures/make-linux-boot.sh): Debian's dpkg status
 * from the debootstrap chroot, compared with {@code dpkg-query -W}; an rpmdb.sqlite made by
 * {@code rpm --initdb} and {@code rpm -i --justdb}, compared with {@code rpm -qa}. The SBOM made
 * from them is validated by cyclonedx-core-java's own parser.
 */
class PackageDatabasesTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream raw = PackageDatabasesTest.class.getResourceAsStream("/fixtures/packages/" + name);
             InputStream in = name.endsWith(".zst") ? new ZstdInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }

    static TreeFilesystem tree(String path, byte[] content) {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
        fs.replaceContent(path, content);
        return fs;
    }

    @Test
    void dpkgStatusGivesWhatDpkgQueryListsAsInstalled() throws IOException {
        TreeFilesystem fs = tree("/var/lib/dpkg/status", resource("dpkg-status.zst"));
        SoftwareInventory inv = LinuxPackages.read(fs, "mbr:p1/ext4", "debian", Optional.of("12"));
        Set<String> expected = Fixtures.text("packages/dpkg-query.txt").lines().filter(l -> l.endsWith("\tinstalled"))
                .map(l -> String.join(" ", List.of(l.split("\t")).subList(0, 3))).collect(Collectors.toCollection(TreeSet::new));
        Set<String> got = inv.packages().stream().map(p -> p.name() + " " + p.version() + " " + p.arch().orElse(""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, got);
        assertEquals(List.of(new PackageDatabase("dpkg", "/var/lib/dpkg/status", expected.size(), Optional.empty())), inv.databases());
        InstalledPackage ssh = inv.find("openssh-server").orElseThrow();
        assertTrue(ssh.purl().orElseThrow().startsWith("pkg:deb/debian/openssh-server@1%3A9.2p1-2"), ssh.purl().toString());
        assertTrue(ssh.purl().orElseThrow().endsWith("?arch=amd64&distro=debian-12"), ssh.purl().toString());
    }

    @Test
    void rpmdbSqliteGivesWhatRpmQaLists() throws IOException {
        TreeFilesystem fs = tree("/var/lib/rpm/rpmdb.sqlite", resource("rpmdb.sqlite.zst"));
        SoftwareInventory inv = LinuxPackages.read(fs, "gpt:p3/xfs", "rhel", Optional.of("9.4"));
        Set<String> expected = new TreeSet<>(Fixtures.text("packages/rpm-qa.txt").lines().toList());
        Set<String> got = inv.packages().stream().filter(p -> p.ecosystem() == InstalledPackage.Ecosystem.RPM)
                .map(p -> p.name() + "\t" + p.epoch().orElse("0") + "\t" + p.version() + "\t" + p.arch().orElse("") + "\t"
                        + p.license().orElse("")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, got);
        InstalledPackage tools = inv.find("vhdflow-tools").orElseThrow();
        assertEquals("pkg:rpm/redhat/vhdflow-tools@1.0-1?arch=noarch&distro=rhel-9.4&epoch=2", tools.purl().orElseThrow());
    }

    @Test
    void berkeleyAndNdbDatabasesAreNamedAsUnsupportedNotAsEmpty() throws IOException {
        // Synthetic: only the file names matter here (Debian's rpm cannot write either format).
        TreeFilesystem fs = tree("/var/lib/rpm/Packages", new byte[4096]);
        SoftwareInventory bdb = LinuxPackages.read(fs, "mbr:p1/xfs", "centos", Optional.of("7"));
        PackageDatabase db = bdb.databases().stream().filter(d -> d.format().equals("rpm-bdb")).findFirst().orElseThrow();
        assertTrue(db.problem().orElseThrow().startsWith("unsupported rpmdb format: Berkeley DB"), db.toString());
        TreeFilesystem ndbFs = tree("/usr/lib/sysimage/rpm/Packages.db", new byte[4096]);
        SoftwareInventory ndb = LinuxPackages.read(ndbFs, "gpt:p2/btrfs", "sles", Optional.of("15.5"));
        assertTrue(ndb.problems().stream().anyMatch(p -> p.contains("unsupported rpmdb format: ndb")), ndb.problems().toString());
    }

    @Test
    void aDamagedRpmdbIsAProblemNotAnEmptyInventory() throws IOException {
        byte[] db = resource("rpmdb.sqlite.zst");
        byte[] damaged = java.util.Arrays.copyOf(db, 2000);
        SoftwareInventory inv = LinuxPackages.read(tree("/var/lib/rpm/rpmdb.sqlite", damaged), "x", "rhel", Optional.of("9"));
        assertEquals(1, inv.problems().size(), inv.toString());
        assertTrue(inv.packages().isEmpty());
    }

    @Test
    void apkInstalledDatabaseIsRead() throws IOException {
        // Synthetic, written by apk-tools' documented format (one "X:value" line per field, blank line between packages).
        String installed = "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nm:Timo Teräs <timo.teras@iki.fi>\n\n"
                + "C:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\n\n";
        SoftwareInventory inv = LinuxPackages.read(tree("/usr/lib/apk/db/installed", installed.getBytes(StandardCharsets.UTF_8)),
                "mbr:p1/ext4", "alpine", Optional.of("3.19.1"));
        assertEquals(2, inv.packages().stream().filter(p -> p.ecosystem() == InstalledPackage.Ecosystem.APK).count());
        assertEquals("pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine-3.19.1",
                inv.find("busybox").orElseThrow().purl().orElseThrow());
    }

    @Test
    void theSbomIsValidCycloneDxWithOneComponentPerPackage() throws Exception {
        TreeFilesystem fs = tree("/var/lib/dpkg/status", resource("dpkg-status.zst"));
        SoftwareInventory deb = LinuxPackages.read(fs, "mbr:p1/ext4", "debian", Optional.of("12"));
        TreeFilesystem rfs = tree("/var/lib/rpm/rpmdb.sqlite", resource("rpmdb.sqlite.zst"));
        SoftwareInventory rpm = LinuxPackages.read(rfs, "gpt:p3/xfs", "rhel", Optional.of("9.4"));
        String json = CycloneDxSbom.json(CycloneDxSbom.bom("image.vhd", List.of(deb, rpm), Instant.parse("2026-12-01T00:00:00Z")));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(bytes, Version.VERSION_16));
        Bom bom = parser.parse(new ByteArrayInputStream(bytes));
        assertEquals("1.6", bom.getSpecVersion());
        List<Component> libs = bom.getComponents().stream().filter(c -> c.getType() == Component.Type.LIBRARY).toList();
        assertEquals(deb.packages().size() + rpm.packages().size(), libs.size());
        assertEquals(LinuxBootCounts.dpkgQueryInstalled(), deb.packages().size());
        assertEquals(Fixtures.text("packages/rpm-qa.txt").lines().count(), rpm.packages().size());
        assertEquals(2, bom.getComponents().stream().filter(c -> c.getType() == Component.Type.OPERATING_SYSTEM).count());
        assertTrue(libs.stream().allMatch(c -> c.getPurl() != null && c.getPurl().startsWith("pkg:")));
    }

    /** Counts recorded from the real tools. */
    static final class LinuxBootCounts {
        static long dpkgQueryInstalled() {
            return Fixtures.text("packages/dpkg-query.txt").lines().filter(l -> l.endsWith("\tinstalled")).count();
        }
    }
}
