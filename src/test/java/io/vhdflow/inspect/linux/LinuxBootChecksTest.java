package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The boot checks on the generalized Debian tree (fixtures/make-linux-trees.sh) with one file
 * changed the way an operator or a hardening script changes it.
 */
class LinuxBootChecksTest {

    static TreeFilesystem tree() {
        return TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
    }

    static CheckResult run(TreeFilesystem fs, String id) throws IOException {
        LinuxOs found = new LinuxOsDetector().detect(fs, "mbr:p1/ext4").orElseThrow();
        // As LinuxInspector does: the package databases are read once the tree is known.
        LinuxOs os = found.withSoftware(io.vhdflow.inspect.packages.LinuxPackages.read(fs, found.location(),
                found.distroId(), found.version()));
        return LinuxInspector.run(LinuxContext.of(fs, os), CheckCatalog.standard()).stream()
                .filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    static void put(TreeFilesystem fs, String path, String text) {
        fs.replaceContent(path, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void l13FindsBlacklistInstallAndAliasLinesAndHonoursEtcOverrides() throws IOException {
        TreeFilesystem fs = tree();
        assertEquals(CheckStatus.PASS, run(fs, "L13").status());
        put(fs, "/usr/lib/modprobe.d/cis.conf", "# CIS 1.1.1.7\nblacklist vfat\n");
        CheckResult r = run(fs, "L13");
        assertTrue(r.failed());
        assertEquals(List.of("mbr:p1/ext4:/usr/lib/modprobe.d/cis.conf line 2: 'blacklist vfat'"), r.evidence());
        // A file of the same name in /etc overrides the packaged one, as modprobe reads them.
        put(fs, "/etc/modprobe.d/cis.conf", "options udf foo=1\n");
        assertEquals(CheckStatus.PASS, run(fs, "L13").status());
        put(fs, "/etc/modprobe.d/cis.conf", "alias udf off\n");
        assertTrue(run(fs, "L13").failed());
    }

    @Test
    void l18ReadsIncludesInPlaceTakesTheFirstValueAndSkipsMatchBlocks() throws IOException {
        TreeFilesystem fs = tree();
        CheckResult none = run(fs, "L18");
        assertTrue(none.failed());
        assertTrue(none.evidence().get(0).contains("ClientAliveInterval not set"), none.evidence().toString());
        put(fs, "/etc/ssh/sshd_config.d/10-a.conf", "ClientAliveInterval 300\n");
        put(fs, "/etc/ssh/sshd_config.d/20-b.conf", "ClientAliveInterval 120\n");
        CheckResult first = run(fs, "L18");
        assertTrue(first.failed(), "the first file's 300 wins, as in sshd");
        assertTrue(first.evidence().get(0).contains("10-a.conf line 1: ClientAliveInterval 300"), first.evidence().toString());
        put(fs, "/etc/ssh/sshd_config.d/10-a.conf", "Match User backup\n  ClientAliveInterval 999\n");
        CheckResult match = run(fs, "L18");
        assertEquals(CheckStatus.PASS, match.status(), match.evidence().toString());
        assertTrue(match.evidence().stream().anyMatch(e -> e.contains("20-b.conf line 1: ClientAliveInterval 120")));
        put(fs, "/etc/ssh/sshd_config.d/20-b.conf", "ClientAliveInterval 3m\n");
        assertEquals(CheckStatus.PASS, run(fs, "L18").status());
    }

    @Test
    void l19FindsEntitlementKeysAndAProxyPassword() throws IOException {
        TreeFilesystem fs = tree();
        assertEquals(CheckStatus.NOT_APPLICABLE, run(fs, "L19").status());
        put(fs, "/etc/rhsm/rhsm.conf", "[server]\nhostname = subscription.rhsm.redhat.com\nproxy_password =\n");
        assertEquals(CheckStatus.PASS, run(fs, "L19").status());
        put(fs, "/etc/pki/entitlement/4511298-key.pem", "-----BEGIN PRIVATE KEY-----\n");
        put(fs, "/etc/pki/consumer/cert.pem", "-----BEGIN CERTIFICATE-----\n");
        put(fs, "/etc/rhsm/rhsm.conf", "[server]\nproxy_password = s3cret\n");
        CheckResult r = run(fs, "L19");
        assertTrue(r.failed());
        assertEquals(List.of("mbr:p1/ext4:/etc/pki/consumer/cert.pem (certificate)",
                "mbr:p1/ext4:/etc/pki/entitlement/4511298-key.pem (private key)",
                "mbr:p1/ext4:/etc/rhsm/rhsm.conf line 2: proxy_password is set"), r.evidence());
        assertEquals(io.vhdflow.inspect.Category.SECRETS, r.category());
    }

    @Test
    void l21JudgesTheAgentFromThePackageDatabase() throws IOException {
        TreeFilesystem fs = tree();
        put(fs, "/var/lib/dpkg/status", """
                Package: waagent
                Status: install ok installed
                Architecture: all
                Version: 2.2.34-4

                Package: python3
                Status: install ok installed
                Architecture: amd64
                Version: 3.11.2-1+b1
                """);
        CheckResult old = run(fs, "L21");
        assertTrue(old.failed());
        assertTrue(old.evidence().get(0).contains("agent package waagent 2.2.34-4 is older than 2.2.41"), old.evidence().toString());
        put(fs, "/var/lib/dpkg/status", new String(fs.readAllBytes("/var/lib/dpkg/status", 1 << 20), StandardCharsets.UTF_8)
                .replace("2.2.34-4", "2.9.0.4-1"));
        CheckResult ok = run(fs, "L21");
        assertEquals(CheckStatus.PASS, ok.status(), ok.evidence().toString());
        assertTrue(VersionFloorsCheck.sackProblem("4.19.40").isPresent());
        assertTrue(VersionFloorsCheck.sackProblem("4.19.52").isEmpty());
        assertTrue(VersionFloorsCheck.sackProblem("3.10.0-957.12.1.el7.x86_64").isPresent());
        assertTrue(VersionFloorsCheck.sackProblem("3.10.0-1160.el7.x86_64").isEmpty());
    }

    @Test
    void l11NamesWhatIsMissingAndWhatHidesTheConsole() throws IOException {
        TreeFilesystem fs = tree();
        put(fs, "/etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet console=ttyS0\"\n");
        CheckResult r = run(fs, "L11");
        assertTrue(r.failed());
        assertTrue(r.evidence().contains("missing: earlyprintk=ttyS0, rootdelay=300"), r.evidence().toString());
        assertTrue(r.evidence().contains("present: rhgb quiet (hides boot messages on the serial console)"), r.evidence().toString());
    }

    @Test
    void l12FailsWhenNoKernelIsInstalled() throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/arm64-foreign.tar.zst");
        LinuxOs os = new LinuxOsDetector().detect(fs, "mbr:p1/ext4").orElseThrow();
        CheckResult r = LinuxInspector.run(LinuxContext.of(fs, os), CheckCatalog.standard()).stream()
                .filter(x -> x.id().equals("L12")).findFirst().orElseThrow();
        assertTrue(r.failed(), r.toString());
        assertTrue(r.evidence().get(0).startsWith("no kernel found"), r.evidence().toString());
    }

    static CheckResult l15r(List<io.vhdflow.inspect.linux.boot.FstabMounts.FstabMount> mounts) throws IOException {
        TreeFilesystem fs = tree();
        LinuxOs os = new LinuxOsDetector().detect(fs, "mbr:p1/ext4").orElseThrow().withMounts(mounts);
        return LinuxInspector.run(LinuxContext.of(fs, os), CheckCatalog.standard()).stream()
                .filter(r -> r.id().equals("L15R")).findFirst().orElseThrow();
    }

    static io.vhdflow.inspect.linux.boot.FstabMounts.FstabMount mount(String line, io.vhdflow.inspect.linux.boot.FstabMounts.Outcome o,
                                                                     String detail) {
        io.vhdflow.inspect.linux.boot.Fstab.Entry e = io.vhdflow.inspect.linux.boot.Fstab.parse(line + "\n").entries().get(0);
        return new io.vhdflow.inspect.linux.boot.FstabMounts.FstabMount(e, o, java.util.Optional.empty(), detail);
    }

    @Test
    void l15rBlocksAnEntryOnNoVolumeUnlessNofailAndOnlyWarnsForTheRootEntry() throws IOException {
        var root = mount("UUID=3f1c2a4e-7d5b-4c11-9e2a-6b7c8d9e0f10 / ext4 defaults 0 1",
                io.vhdflow.inspect.linux.boot.FstabMounts.Outcome.ROOT, "root");
        var unresolved = io.vhdflow.inspect.linux.boot.FstabMounts.Outcome.UNRESOLVED;
        CheckResult var = l15r(List.of(root, mount("UUID=0b6c1d2e-0000-4000-8000-000000000001 /var ext4 defaults 0 2",
                unresolved, "no volume of this disk has filesystem UUID 0b6c1d2e-0000-4000-8000-000000000001")));
        assertTrue(var.failed());
        assertEquals(io.vhdflow.inspect.Severity.MUST, var.severity());
        assertTrue(var.evidence().get(0).contains("/var ext4: unresolved, no volume of this disk has filesystem UUID"), var.evidence().toString());

        CheckResult nofail = l15r(List.of(root, mount("/dev/sdb1 /data ext4 defaults,nofail 0 2", unresolved,
                "device /dev/sdb1 is another disk than the OS disk")));
        assertEquals(CheckStatus.PASS, nofail.status(), nofail.evidence().toString());
        assertTrue(nofail.evidence().get(1).endsWith("(nofail/noauto: does not stop the boot)"), nofail.evidence().toString());

        CheckResult rootElsewhere = l15r(List.of(mount("/dev/mapper/rootvg-rootlv / xfs defaults 0 0", unresolved,
                "no volume of this disk has logical volume rootvg/rootlv")));
        assertTrue(rootElsewhere.failed());
        assertEquals(io.vhdflow.inspect.Severity.SHOULD, rootElsewhere.severity());
        assertTrue(rootElsewhere.evidence().get(0).contains("mounted from the kernel's root="), rootElsewhere.evidence().toString());
    }
}
