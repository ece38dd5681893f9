package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.VerdictRule;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.vhdflow.inspect.linux.LinuxHostileInputTest.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Family detection by every route (os-release ID and ID_LIKE, the classic release files, the package
 * databases), the agent in charge, and the parsers the family rules use, on small trees written
 * here in each distribution's file formats.
 */
class LinuxFamilyDetectionTest {

    static LinuxContext context(String[]... entries) throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(entries));
        LinuxOs os = new LinuxOsDetector().detect(fs, "gpt:p1/ext4").orElseThrow();
        return LinuxContext.of(fs, os);
    }

    static String[] file(String path, String text) {
        return new String[] {path, "file", text};
    }

    static CheckResult run(String id, String[]... entries) throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(entries));
        LinuxOs os = new LinuxOsDetector().detect(fs, "gpt:p1/ext4").orElseThrow();
        return VerdictRule.assess(LinuxInspector.run(LinuxContext.of(fs, os)), Set.of()).checks().stream()
                .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ID=rocky\\nID_LIKE="rhel centos fedora"\\nVERSION_ID=9.4 | RHEL        | /etc/os-release ID=rocky
            ID=fedora\\nVERSION_ID=41                               | RHEL        | /etc/os-release ID=fedora
            ID=amzn\\nID_LIKE="centos rhel fedora"                  | RHEL        | /etc/os-release ID=amzn, ID_LIKE=centos rhel fedora (centos)
            ID=ubuntu\\nID_LIKE=debian\\nVERSION_ID="24.04"         | DEBIAN      | /etc/os-release ID=ubuntu
            ID=elementary\\nID_LIKE="ubuntu debian"                 | DEBIAN      | /etc/os-release ID=elementary, ID_LIKE=ubuntu debian (ubuntu)
            ID="opensuse-tumbleweed"\\nID_LIKE="opensuse suse"      | SUSE        | /etc/os-release ID=opensuse-tumbleweed
            ID=sle-micro\\nID_LIKE="suse"                           | SUSE        | /etc/os-release ID=sle-micro
            ID=mariner\\nVERSION_ID="2.0"                           | AZURE_LINUX | /etc/os-release ID=mariner
            ID=azurelinux\\nVERSION_ID="3.0"                        | AZURE_LINUX | /etc/os-release ID=azurelinux
            ID=arch                                                 | OTHER       | os-release ID=arch names no known family
            """)
    void familyFromOsRelease(String osRelease, LinuxFamily family, String decidedBy) throws IOException {
        Distribution d = context(file("etc/os-release", osRelease.replace("\\n", "\n") + "\n")).distribution();
        assertEquals(family, d.family());
        assertEquals(decidedBy, d.decidedBy());
    }

    @Test
    void classicReleaseFilesWhenThereIsNoOsRelease() throws IOException {
        String[] fstab = file("etc/fstab", "/dev/sda1 / ext4 defaults 0 1\n");
        Distribution centos = context(fstab, file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n")).distribution();
        assertEquals(LinuxFamily.RHEL, centos.family());
        assertEquals("/etc/redhat-release (CentOS Linux release 7.9.2009 (Core))", centos.decidedBy());
        assertEquals(Optional.of("7.9.2009"), centos.version());
        Distribution sles = context(fstab, file("etc/SuSE-release",
                "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n")).distribution();
        assertEquals(LinuxFamily.SUSE, sles.family());
        assertEquals(Optional.of("11.4"), sles.version());
        assertEquals(LinuxFamily.DEBIAN, context(fstab, file("etc/debian_version", "12.7\n")).distribution().family());
        Distribution lsb = context(fstab, file("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\n")).distribution();
        assertEquals(LinuxFamily.DEBIAN, lsb.family());
        assertEquals("/etc/lsb-release (20.04)", lsb.decidedBy());
    }

    @Test
    void packageDatabasesWhenNoFileNamesTheDistribution() throws IOException {
        String[] fstab = file("etc/fstab", "/dev/sda1 / xfs defaults 0 0\n");
        Distribution suse = context(fstab, file("var/lib/rpm/Packages", "\0\0\0\0"), file("etc/zypp/zypp.conf", "[main]\n"))
                .distribution();
        assertEquals(LinuxFamily.SUSE, suse.family());
        assertEquals("package database: rpm (Berkeley DB) /var/lib/rpm/Packages with zypp", suse.decidedBy());
        Distribution azl = context(fstab, file("var/lib/rpm/rpmdb.sqlite", "SQLite format 3\0"), new String[] {"var/lib/tdnf", "dir", ""})
                .distribution();
        assertEquals(LinuxFamily.AZURE_LINUX, azl.family());
        assertEquals(List.of("rpm (sqlite) /var/lib/rpm/rpmdb.sqlite", "tdnf /var/lib/tdnf"), azl.packageDatabases());
        Distribution rhel = context(fstab, file("var/lib/rpm/rpmdb.sqlite", "SQLite format 3\0"), file("etc/dnf/dnf.conf", "[main]\n"))
                .distribution();
        assertEquals(LinuxFamily.RHEL, rhel.family());
        assertEquals(LinuxFamily.DEBIAN, context(fstab, file("var/lib/dpkg/status", "Package: base-files\n")).distribution().family());
        Distribution none = context(fstab).distribution();
        assertEquals(LinuxFamily.OTHER, none.family());
        assertEquals("no release file or package database names a family", none.decidedBy());
    }

    @Test
    void theAgentInCharge() throws IOException {
        String[] os = file("etc/os-release", "ID=debian\n");
        String[] agent = file("usr/sbin/waagent", "#!/usr/bin/python3\n");
        String[] unit = {"etc/systemd/system/multi-user.target.wants/walinuxagent.service", "link", "/lib/systemd/system/walinuxagent.service"};
        String[] ci = file("usr/bin/cloud-init", "#!/usr/bin/python3\n");
        String[] ciUnit = {"etc/systemd/system/cloud-init.target.wants/cloud-init.service", "link", "/lib/systemd/system/cloud-init.service"};
        assertEquals(Distribution.AgentInCharge.WAAGENT_ALONE,
                context(os, agent, unit, file("etc/waagent.conf", "Provisioning.Agent=auto\n")).distribution().agent());
        assertEquals(Distribution.AgentInCharge.CLOUD_INIT_WAAGENT_REPORTING,
                context(os, agent, unit, file("etc/waagent.conf", "Provisioning.Agent=auto\n"), ci, ciUnit).distribution().agent());
        assertEquals(Distribution.AgentInCharge.CLOUD_INIT_ALONE, context(os, ci, ciUnit).distribution().agent());
        assertEquals(Distribution.AgentInCharge.CLOUD_INIT_MISSING,
                context(os, agent, unit, file("etc/waagent.conf", "Provisioning.Agent=cloud-init\n")).distribution().agent());
        assertEquals(Distribution.AgentInCharge.DISABLED,
                context(os, agent, unit, file("etc/waagent.conf", "Provisioning.Agent=disabled\n")).distribution().agent());
        assertEquals(Distribution.AgentInCharge.NONE, context(os).distribution().agent());
    }

    @Test
    void anUnknownFamilyRunsNoFamilyRule() throws IOException {
        CheckResult l22 = run("L22", file("etc/os-release", "ID=arch\n"));
        assertTrue(l22.evidence().contains("no family rule applies to this image"), l22.evidence().toString());
        CheckResult l25 = run("L25", file("etc/os-release", "ID=arch\n"), file("usr/sbin/waagent", "#!/bin/sh\n"));
        assertEquals(CheckStatus.NOT_APPLICABLE, l25.status());
        assertEquals(List.of("a rule for the debian, rhel, suse, azurelinux families; this image is other family (arch, by os-release ID=arch "
                + "names no known family)"), l25.evidence());
    }

    @Test
    void dracutReadsItsFilesInOrderAndOmitDriversAsPatterns() throws IOException {
        String[] os = file("etc/os-release", "ID=rhel\nVERSION_ID=9.4\n");
        // A pattern leaves every hv_ driver out.
        CheckResult pattern = run("L26", os, file("etc/dracut.conf.d/10-min.conf", "omit_drivers+=\" hv_.* \"  # keep it small\n"));
        assertEquals(CheckStatus.FAIL, pattern.status());
        assertEquals(3, pattern.evidence().stream().filter(e -> e.contains("'hv_.*' leaves")).count(), pattern.evidence().toString());
        // A later file's plain assignment replaces what an earlier one appended.
        CheckResult reset = run("L26", os, file("etc/dracut.conf.d/10-min.conf", "omit_drivers+=\" hv_vmbus \"\n"),
                file("etc/dracut.conf.d/20-azure.conf", "omit_drivers=\"\"\nadd_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \"\n"));
        assertEquals(CheckStatus.PASS, reset.status(), reset.evidence().toString());
        // /etc/dracut.conf.d/x.conf replaces /usr/lib/dracut/dracut.conf.d/x.conf.
        CheckResult overridden = run("L26", os, file("usr/lib/dracut/dracut.conf.d/50-min.conf", "omit_drivers+=\" hv_storvsc \"\n"),
                file("etc/dracut.conf.d/50-min.conf", "# emptied by the image builder\n"));
        assertEquals(CheckStatus.PASS, overridden.status(), overridden.evidence().toString());
        assertEquals(CheckStatus.NOT_APPLICABLE, run("L26", os).status());
        assertTrue(DracutHyperVDriversCheck.omits("hv-storvsc", "hv_storvsc"));
        assertFalse(DracutHyperVDriversCheck.omits("hv_storvsc2", "hv_storvsc"));
        assertFalse(DracutHyperVDriversCheck.omits("(((", "hv_vmbus"), "a broken pattern is compared literally");
    }

    @Test
    void sysconfigFilesKeepTheirLinesQuotesAndAppends() {
        SysconfigFile f = SysconfigFile.parse("# comment\nBOOTPROTO='dhcp'\nHWADDR=\"00:0D:3A:12:34:56\"\nX+=\" a \"\nbad line\n"
                + "UUID=\nBOOTPROTO=static\n");
        assertEquals("static", f.get("BOOTPROTO").orElseThrow().value());
        assertEquals(7, f.get("BOOTPROTO").orElseThrow().line());
        assertEquals(3, f.get("HWADDR").orElseThrow().line());
        assertTrue(f.get("X").orElseThrow().append());
        assertTrue(f.get("UUID").isEmpty(), "an empty value is no value");
    }

    @Test
    void cloudInitModuleEntriesAndLaterFilesReplacingLists() {
        assertEquals(Optional.of("mounts"), CloudInitConfig.moduleName(List.of("mounts", "always")));
        assertEquals(Optional.of("disk_setup"), CloudInitConfig.moduleName(Map.of("name", "disk-setup")));
        assertEquals(Optional.of("mounts"), CloudInitConfig.moduleName("cc_mounts"));
        assertEquals(Optional.empty(), CloudInitConfig.moduleName(42));
        CloudInitConfig c = CloudInitConfig.merge(List.of(
                Map.entry("/etc/cloud/cloud.cfg", "cloud_init_modules:\n - disk_setup\n - mounts\ndatasource_list: [ Azure ]\n"),
                Map.entry("/etc/cloud/cloud.cfg.d/50-min.cfg", "cloud_init_modules: [ seed_random, [ssh, always] ]\n"),
                Map.entry("/etc/cloud/cloud.cfg.d/99-x.cfg", "datasource_list: [ NoCloud ]\nnetwork: {config: disabled}\n")));
        assertFalse(c.runsModule("mounts"), "the later file's list replaced cloud.cfg's");
        assertTrue(c.runsModule("ssh"));
        assertEquals(2, c.datasourceHistory().size());
        assertEquals("/etc/cloud/cloud.cfg.d/99-x.cfg", c.datasourceList().orElseThrow().file());
        assertEquals("disabled", c.networkConfig().orElseThrow().value());
    }

    @Test
    void cloudInitWithoutDiskSetupAndMountsLeavesTheResourceDiskToNobody() throws IOException {
        List<String[]> t = new ArrayList<>(Arrays.asList(LinuxDistroAwareChecksTest.ubuntu()));
        t.add(file("etc/cloud/cloud.cfg.d/50-modules.cfg", "cloud_init_modules: [ seed_random, ssh ]\n"));
        CheckResult l9b = run("L9B", t.toArray(new String[0][]));
        assertEquals(CheckStatus.FAIL, l9b.status());
        assertTrue(l9b.evidence().get(0).startsWith("cloud-init provisions but its module lists cloud_init_modules "
                + "(gpt:p1/ext4:/etc/cloud/cloud.cfg.d/50-modules.cfg) do not run disk_setup or mounts"), l9b.evidence().toString());
    }

    @Test
    void aDatasourceWithoutAzureOnlyWarnsWhenTheAgentProvisions() throws IOException {
        String[][] t = LinuxDistroAwareChecksTest.ubuntu("etc/cloud/cloud.cfg.d/99-x.cfg", "file", "datasource_list: [ NoCloud ]\n");
        t[2] = file("etc/waagent.conf", "Provisioning.Agent=waagent\n");
        CheckResult l10 = run("L10", t);
        assertEquals(CheckStatus.FAIL, l10.status());
        assertEquals(io.vhdflow.inspect.Severity.SHOULD, l10.severity(), "a warning: cloud-init does not provision here");
        assertTrue(l10.evidence().get(l10.evidence().size() - 1).startsWith("cloud-init does not provision this image"));
    }

    @Test
    void zyppPasswordsAreNeverShown() throws IOException {
        String pw = "s3cr3t-Passw0rd";
        CheckResult l28 = run("L28", file("etc/os-release", "ID=opensuse-leap\n"),
                file("etc/zypp/credentials.d/NCCcredentials", "username=me\npassword = " + pw + "\n"),
                file("etc/zypp/repos.d/private.repo", "[private]\nbaseurl=https://bob:" + pw + "@repo.example.com/x\n"));
        assertEquals(CheckStatus.FAIL, l28.status());
        assertEquals(2, l28.evidence().size(), l28.evidence().toString());
        assertTrue(l28.evidence().stream().noneMatch(e -> e.contains(pw)));
        // sha256("s3cr3t-Passw0rd") starts ed23d8f26473 (Python's hashlib).
        assertEquals("zypp-credentials: gpt:p1/ext4:/etc/zypp/credentials.d/NCCcredentials line 2: password (15 characters, "
                + "sha256 ed23d8f26473)", l28.evidence().get(0));
        assertEquals("zypp-repo-password: gpt:p1/ext4:/etc/zypp/repos.d/private.repo line 2: password in baseurl (15 characters, "
                + "sha256 ed23d8f26473)", l28.evidence().get(1));
    }
}
