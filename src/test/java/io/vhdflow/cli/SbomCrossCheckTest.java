package io.vhdflow.cli;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.inspect.packages.InstalledPackage;
import io.vhdflow.inspect.packages.LinuxPackages;
import io.vhdflow.inspect.packages.SoftwareInventory;
import io.vhdflow.inspect.packages.WindowsPrograms;
import io.vhdflow.inspect.sbom.CycloneDxSbom;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Property;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBOM {@code vhdflow inspect --sbom} writes is valid CycloneDX by cyclonedx-core-java's own
 * parser and lists what the package managers themselves list: {@code dpkg-query -W} run on the status
 * file that e2fsprogs' debugfs reads out of the same image, {@code rpm -qa} run on the rpmdb.sqlite
 * rpm made. Both tools run in the test (a CI run fails without them).
 */
class SbomCrossCheckTest {
    @TempDir
    Path dir;

    static Bom parseValid(Path sbom) throws Exception {
        byte[] bytes = Files.readAllBytes(sbom);
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(bytes, Version.VERSION_16), "valid CycloneDX 1.6");
        Bom bom = parser.parse(bytes);
        assertEquals("1.6", bom.getSpecVersion());
        return bom;
    }

    static Optional<String> property(Component c, String name) {
        return c.getProperties() == null ? Optional.empty()
                : c.getProperties().stream().filter(p -> p.getName().equals(name)).map(Property::getValue).findFirst();
    }

    static Set<String> packages(Bom bom, String type) {
        return bom.getComponents().stream().filter(c -> property(c, "vhdflow:package-type").orElse("").equals(type))
                .map(c -> c.getName() + " " + c.getVersion() + " " + property(c, "vhdflow:arch").orElse(""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void inspectSbomOfADebianImageListsWhatDpkgQueryLists() throws Exception {
        ExternalTools.require("debugfs", "e2fsprogs");
        ExternalTools.require("dpkg-query", "dpkg");
        Path vhd = Fixtures.extract("linux-boot/gen1-ready.vhd.zst", dir);
        Path sbom = dir.resolve("gen1-ready.cdx.json");
        Cli.Run run = Cli.run("inspect", vhd.toString(), "--sbom", sbom.toString());
        assertEquals(ExitCode.OK, run.exit(), run.out() + run.err());
        Bom bom = parseValid(sbom);

        // dpkg's own reading of the status file, taken out of the image's ext4 root (partition 1 at 1 MiB,
        // as sfdisk recorded) by debugfs, not by vhdflow.
        Path admin = Files.createDirectories(dir.resolve("dpkg"));
        Files.write(admin.resolve("status"), run(List.of("debugfs", "-R", "cat /var/lib/dpkg/status", vhd + "?offset=1048576")));
        Set<String> dpkg = new TreeSet<>();
        for (String l : new String(run(List.of("dpkg-query", "--admindir=" + admin, "-W",
                "-f=${Package} ${Version} ${Architecture} ${db:Status-Status}\\n")), StandardCharsets.UTF_8).split("\n")) {
            if (l.endsWith(" installed")) {
                dpkg.add(l.substring(0, l.length() - " installed".length()));
            }
        }
        assertTrue(dpkg.size() > 100, "a debootstrap system: " + dpkg.size());
        assertEquals(dpkg, packages(bom, "deb"));
        assertTrue(run.out().contains("packages on mbr:p1/ext4: " + dpkg.size() + ", dpkg /var/lib/dpkg/status " + dpkg.size()),
                run.out());
        assertEquals(1, bom.getComponents().stream().filter(c -> c.getType() == Component.Type.OPERATING_SYSTEM).count());
        assertTrue(bom.getComponents().stream().filter(c -> property(c, "vhdflow:package-type").isPresent())
                .allMatch(c -> c.getPurl().startsWith("pkg:deb/debian/") && c.getPurl().contains("distro=debian-12")));
    }

    @Test
    void theSbomOfAnRpmDatabaseListsWhatRpmQaLists() throws Exception {
        ExternalTools.require("rpm", "rpm");
        byte[] db = unzstd("/fixtures/packages/rpmdb.sqlite.zst");
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
        fs.replaceContent("/var/lib/rpm/rpmdb.sqlite", db);
        SoftwareInventory inv = LinuxPackages.read(fs, "gpt:p3/xfs", "rhel", Optional.of("9.4"));
        Path sbom = dir.resolve("rhel.cdx.json");
        CycloneDxSbom.write(sbom, CycloneDxSbom.bom("rhel.vhd", List.of(inv), Instant.parse("2026-12-01T00:00:00Z")));
        Bom bom = parseValid(sbom);

        Path dbpath = Files.createDirectories(dir.resolve("rpmdb"));
        Files.write(dbpath.resolve("rpmdb.sqlite"), db);
        Set<String> rpm = new TreeSet<>(List.of(new String(run(List.of("rpm", "-qa", "--dbpath", dbpath.toString(),
                "--define", "_db_backend sqlite", "--qf", "%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\\n")), StandardCharsets.UTF_8)
                .strip().split("\n")));
        assertEquals(3, rpm.size(), rpm.toString());
        assertEquals(rpm, packages(bom, "rpm"));
        assertTrue(bom.getComponents().stream().filter(c -> property(c, "vhdflow:package-type").isPresent())
                .allMatch(c -> c.getPurl().startsWith("pkg:rpm/redhat/")));
    }

    @Test
    void windowsProgramsGoIntoTheSameSbom() throws Exception {
        SoftwareInventory inv = WindowsPrograms.read(Hive.open(new ByteArraySource(
                unzstd("/fixtures/packages/software-uninstall.hive.zst"), "SOFTWARE")), "gpt:p3/ntfs", Optional.of("20348"));
        Path sbom = dir.resolve("windows.cdx.json");
        CycloneDxSbom.write(sbom, CycloneDxSbom.bom("win.vhd", List.of(inv), Instant.parse("2026-12-01T00:00:00Z")));
        Bom bom = parseValid(sbom);
        List<Component> programs = bom.getComponents().stream()
                .filter(c -> property(c, "vhdflow:package-type").orElse("").equals("windows")).toList();
        // WindowsProgramsTest compares these programs with hivexregedit's export of the same keys.
        assertEquals(3, programs.size());
        Set<String> inventory = inv.packages().stream().map(InstalledPackage::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> inSbom = programs.stream().map(Component::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inventory, inSbom);
        assertTrue(programs.stream().allMatch(c -> c.getType() == Component.Type.APPLICATION && c.getPublisher() != null));
        Component os = bom.getComponents().stream().filter(c -> c.getType() == Component.Type.OPERATING_SYSTEM)
                .findFirst().orElseThrow();
        assertEquals("gpt:p3/ntfs", property(os, "vhdflow:location").orElseThrow());
    }

    private static byte[] unzstd(String resource) throws IOException {
        try (InputStream in = new ZstdInputStream(SbomCrossCheckTest.class.getResourceAsStream(resource))) {
            return in.readAllBytes();
        }
    }

    private static byte[] run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor(), String.join(" ", command));
        return out.toByteArray();
    }
}
