package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.VerdictRule;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static io.vhdflow.inspect.linux.LinuxHostileInputTest.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distro- and agent-aware decisions on small trees shaped like an Ubuntu cloud image (waagent.conf
 * as config/ubuntu/waagent.conf ships it: RegenerateSshHostKeyPair=n, cloud-init provisioning).
 */
class LinuxDistroAwareChecksTest {

    static String[][] ubuntu(String... extra) {
        List<String[]> e = new ArrayList<>(List.of(
                new String[] {"etc/os-release", "file", "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\n"},
                new String[] {"etc/fstab", "file", "LABEL=cloudimg-rootfs / ext4 discard,errors=remount-ro 0 1\n"},
                new String[] {"etc/waagent.conf", "file", "Provisioning.Enabled=n\nProvisioning.Agent=auto\n"
                        + "Provisioning.RegenerateSshHostKeyPair=n\nResourceDisk.Format=n\nResourceDisk.EnableSwap=n\n"},
                new String[] {"usr/sbin/waagent", "file", "#!/usr/bin/python3\n"},
                new String[] {"etc/systemd/system/multi-user.target.wants/walinuxagent.service", "link", "/lib/systemd/system/walinuxagent.service"},
                new String[] {"usr/bin/cloud-init", "file", "#!/usr/bin/python3\n"},
                new String[] {"etc/systemd/system/cloud-init.target.wants/cloud-init-local.service", "link", "/lib/systemd/system/cloud-init-local.service"},
                new String[] {"etc/cloud/cloud.cfg", "file", "users:\n  - default\n"},
                new String[] {"etc/cloud/cloud.cfg.d/90_dpkg.cfg", "file", "datasource_list: [ Azure ]\n"},
                new String[] {"etc/ssh/ssh_host_ed25519_key", "file", "-----BEGIN OPENSSH PRIVATE KEY-----\n"},
                new String[] {"etc/ssh/ssh_host_ed25519_key.pub", "file", "ssh-ed25519 AAAA root@build\n"},
                new String[] {"etc/resolv.conf", "link", "../run/systemd/resolve/stub-resolv.conf"}));
        for (int i = 0; i + 2 < extra.length + 1; i += 3) {
            e.add(Arrays.copyOfRange(extra, i, i + 3));
        }
        return e.toArray(new String[0][]);
    }

    static CheckResult check(String id, String[][] tree) throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(tree));
        LinuxOs os = new LinuxOsDetector().detect(fs, "gpt:p1/ext4").orElseThrow();
        return VerdictRule.assess(LinuxInspector.run(LinuxContext.of(fs, os), io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of()).checks().stream()
                .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void ubuntuKeepsHostKeysBecauseCloudInitRegeneratesThemAWarning() throws IOException {
        CheckResult l5 = check("L5", ubuntu());
        assertEquals(CheckStatus.FAIL, l5.status(), l5.evidence().toString());
        assertEquals(Severity.SHOULD, l5.severity(), "regenerated on first boot: a warning, not a blocker");
        assertTrue(l5.evidence().stream().anyMatch(e -> e.contains("ssh_deletekeys is true (cloud-init's default)")));
        assertTrue(l5.evidence().stream().anyMatch(e -> e.contains("Ubuntu keeps host keys")));
    }

    @Test
    void ubuntuWithSshDeleteKeysOffFails() throws IOException {
        CheckResult l5 = check("L5", ubuntu("etc/cloud/cloud.cfg.d/99-keys.cfg", "file", "ssh_deletekeys: false\n"));
        assertEquals(CheckStatus.FAIL, l5.status());
        assertEquals(Severity.MUST, l5.severity(), "nothing regenerates them: every VM shares one host key");
        assertTrue(l5.evidence().stream().anyMatch(e -> e.contains("ssh_deletekeys is false (set in gpt:p1/ext4:/etc/cloud/cloud.cfg.d/99-keys.cfg)")));
    }

    @Test
    void waagentProvisioningJudgedByTheAgentsSetting() throws IOException {
        // Provisioning.Agent=waagent: cloud-init's ssh_deletekeys no longer matters, the agent's n does.
        String[][] t = ubuntu();
        t[2] = new String[] {"etc/waagent.conf", "file", "Provisioning.Agent=waagent\nProvisioning.RegenerateSshHostKeyPair=n\n"};
        assertEquals(CheckStatus.FAIL, check("L5", t).status());
    }

    @Test
    void cloudInitNamedButDisabledRegeneratesNothing() throws IOException {
        String[][] t = ubuntu("etc/cloud/cloud-init.disabled", "file", "");
        t[2] = new String[] {"etc/waagent.conf", "file", "Provisioning.Agent=cloud-init\n"};
        CheckResult l5 = check("L5", t);
        assertEquals(CheckStatus.FAIL, l5.status(), l5.evidence().toString());
        // With Provisioning.Agent=auto the agent would take over instead (and its own setting decides).
        CheckResult auto = check("L5", ubuntu("etc/cloud/cloud-init.disabled", "file", ""));
        assertTrue(auto.evidence().stream().anyMatch(e -> e.contains("the Azure Linux Agent provisions this image")));
        assertTrue(l5.evidence().stream().anyMatch(e -> e.contains("nothing regenerates the keys")));
    }

    @Test
    void ubuntuStubResolvConfAndLegacyProvisioningEnabled() throws IOException {
        CheckResult l17 = check("L17", ubuntu());
        assertEquals(CheckStatus.PASS, l17.status());
        assertTrue(l17.evidence().stream().anyMatch(e -> e.contains("is a link to ../run/systemd/resolve/stub-resolv.conf")));
        CheckResult l9 = check("L9", ubuntu());
        assertEquals(CheckStatus.PASS, l9.status());
        assertTrue(l9.evidence().stream().anyMatch(e -> e.contains("Provisioning.Enabled=n is legacy")), l9.evidence().toString());
    }

    @Test
    void cloudInitInstallerLeftoversAndMissingAzureDatasource() throws IOException {
        String[][] t = ubuntu("etc/cloud/cloud.cfg.d/99-installer.cfg", "file", "datasource_list: [ None ]\n",
                "etc/netplan/50-cloud-init.yaml", "file", "network: {version: 2}\n");
        // 99-installer.cfg is read after 90_dpkg.cfg and replaces its datasource_list: Azure is taken away,
        // which blocks provisioning because cloud-init provisions this image.
        CheckResult l10 = check("L10", t);
        assertEquals(CheckStatus.FAIL, l10.status());
        assertEquals(io.vhdflow.inspect.Severity.MUST, l10.severity());
        assertTrue(l10.evidence().contains("gpt:p1/ext4:/etc/cloud/cloud.cfg.d/99-installer.cfg: datasource_list [None] does not "
                + "include Azure (it overrides gpt:p1/ext4:/etc/cloud/cloud.cfg.d/90_dpkg.cfg [Azure], read before it)"),
                l10.evidence().toString());
        CheckResult l10b = check("L10B", t);
        assertEquals(CheckStatus.FAIL, l10b.status());
        assertEquals(List.of("gpt:p1/ext4:/etc/cloud/cloud.cfg.d/99-installer.cfg exists (installer leftover)"), l10b.evidence());
        // A rendered netplan file without a MAC address match is rewritten for the new NIC: not a finding.
        CheckResult l10n = check("L10N", t);
        assertEquals(CheckStatus.PASS, l10n.status());
        assertEquals(List.of("gpt:p1/ext4:/etc/netplan/50-cloud-init.yaml: no MAC address match"), l10n.evidence());
        CheckResult bound = check("L10N", ubuntu("etc/netplan/50-cloud-init.yaml", "file", "network:\n  ethernets:\n    eth0:\n"
                + "      dhcp4: true\n      match:\n        macaddress: 00:0D:3A:12:34:56\n      set-name: eth0\n  version: 2\n",
                "etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg", "file", "network: {config: disabled}\n"));
        assertEquals(CheckStatus.FAIL, bound.status());
        assertEquals(List.of("gpt:p1/ext4:/etc/netplan/50-cloud-init.yaml line 6: bound to MAC address 00:0d:3a:12:34:56 (macaddress)",
                "gpt:p1/ext4:/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg: network: {config: disabled}: "
                        + "cloud-init will not render configuration for the new VM's NIC, the files above stay as they are"),
                bound.evidence());
    }

    @Test
    void swapLineAndSwapFile() throws IOException {
        CheckResult l14 = check("L14", ubuntu("etc/fstab", "file", "UUID=1 / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n",
                "swap.img", "file", "SWAPSPACE2"));
        assertEquals(CheckStatus.FAIL, l14.status());
        assertTrue(l14.evidence().contains("gpt:p1/ext4:/etc/fstab line 2: swap entry for /swap.img"), l14.evidence().toString());
        assertTrue(l14.evidence().contains("gpt:p1/ext4:/swap.img exists (10 bytes)"));
    }

    @Test
    void agentDisabledIsAMustFailure() throws IOException {
        String[][] t = ubuntu();
        t[2] = new String[] {"etc/waagent.conf", "file", "Provisioning.Agent=disabled\n"};
        CheckResult l9 = check("L9", t);
        assertEquals(CheckStatus.FAIL, l9.status());
        assertTrue(l9.evidence().get(0).endsWith("Provisioning.Agent=disabled: the agent will not provision new VMs"));
    }

    @Test
    void noAgentAtAllFailsL8() throws IOException {
        CheckResult l8 = check("L8", new String[][] {{"etc/os-release", "file", "ID=debian\n"}});
        assertEquals(CheckStatus.FAIL, l8.status());
    }
}
