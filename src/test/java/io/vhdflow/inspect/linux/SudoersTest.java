package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.vhdflow.testing.TreeFilesystem.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sudoers(5) as sudo reads it: includes followed and bounded, drop-in names sudo skips, aliases,
 * uid rules, SUSE's targetpw default; and sshd_config's includes bounded the same way.
 */
class SudoersTest {
    static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/usr/sbin/nologin\n"
            + "svc:x:998:998::/nonexistent:/usr/sbin/nologin\n";

    static CheckResult run(String id, String[]... extra) throws IOException {
        List<String[]> e = new ArrayList<>(List.of(
                new String[] {"etc/os-release", "file", "ID=debian\nVERSION_ID=12\n"},
                new String[] {"etc/passwd", "file", PASSWD},
                new String[] {"etc/group", "file", "root:x:0:\nsudo:x:27:\nwheel:x:10:svc\n"},
                new String[] {"etc/shadow", "file", "root:*LOCK*:14600::::::\nalice:!:1::::::\nsvc:!:1::::::\n"}));
        e.addAll(List.of(extra));
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(e.toArray(new String[0][])));
        LinuxOs os = new LinuxOsDetector().detect(fs, "t").orElseThrow();
        return LinuxInspector.run(LinuxContext.of(fs, os)).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    static void assertEvidence(CheckResult r, String fragment) {
        assertTrue(r.evidence().stream().anyMatch(x -> x.contains(fragment)), fragment + " in " + r.evidence());
    }

    @Test
    void includeLoopsEndAndSkippedNamesAreSkipped() throws IOException {
        CheckResult r = run("L7S",
                new String[] {"etc/sudoers", "file", "root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n#include /etc/sudoers\n"},
                new String[] {"etc/sudoers.d/loop", "file", "@include ../sudoers\n#includedir /etc/sudoers.d\n"},
                new String[] {"etc/sudoers.d/old.bak", "file", "alice ALL=(ALL) NOPASSWD: ALL\n"},
                new String[] {"etc/sudoers.d/edit~", "file", "alice ALL=(ALL) NOPASSWD: ALL\n"});
        assertEquals(CheckStatus.PASS, r.status(), r.evidence().toString());
        assertEvidence(r, "no rule grants sudo to an account other than root (2 files read)");
    }

    @Test
    void aliasesAndUidRulesAreResolvedToAccounts() throws IOException {
        CheckResult alias = run("L7S", new String[] {"etc/sudoers", "file",
                "User_Alias ADMINS = alice, \\\n  bob\nADMINS ALL = (ALL) NOPASSWD: ALL\n"});
        assertEquals(CheckStatus.FAIL, alias.status());
        assertEquals(Severity.MUST, alias.severity());
        assertEvidence(alias, "t:/etc/sudoers line 3 grants sudo to alice (uid 1000)");
        assertEvidence(alias, "grants sudo to bob, an account that no longer exists");
        CheckResult uid = run("L7S", new String[] {"etc/sudoers", "file", "#1000 ALL=(ALL) ALL\n"});
        assertEvidence(uid, "t:/etc/sudoers line 1 grants sudo to alice (uid 1000)");
        CheckResult wheel = run("L7S", new String[] {"etc/sudoers", "file", "%wheel ALL=(ALL) ALL\n"});
        assertEvidence(wheel, "grants sudo to group %wheel, whose members are svc");
    }

    @Test
    void susesAllRuleWithTargetpwIsTheDistributions() throws IOException {
        CheckResult suse = run("L7S", new String[] {"etc/sudoers", "file",
                "Defaults targetpw\nALL ALL=(ALL) ALL # WARNING! Only use this together with 'Defaults targetpw'!\n"});
        assertEquals(CheckStatus.PASS, suse.status(), suse.evidence().toString());
        CheckResult open = run("L7S", new String[] {"etc/sudoers", "file", "ALL ALL=(ALL) NOPASSWD: ALL\n"});
        assertEquals(CheckStatus.FAIL, open.status());
        assertEvidence(open, "grants sudo to every user");
    }

    @Test
    void aRuleForAnAccountThatIsGoneOnlyWarns() throws IOException {
        CheckResult r = run("L7S", new String[] {"etc/sudoers.d/90-cloud-init-users", "file",
                "# Created by cloud-init\n\n# User rules for azureuser\nazureuser ALL=(ALL) NOPASSWD:ALL\n"});
        assertEquals(CheckStatus.FAIL, r.status());
        assertEquals(Severity.SHOULD, r.severity());
        assertEvidence(r, "/etc/sudoers absent (sudo not installed?)");
    }

    @Test
    void sshdIncludeLoopsEnd() throws IOException {
        CheckResult r = run("L7K",
                new String[] {"etc/ssh/sshd_config", "file", "Include /etc/ssh/sshd_config\nInclude sshd_config.d/*.conf\n"},
                new String[] {"etc/ssh/sshd_config.d/a.conf", "file", "Include /etc/ssh/sshd_config.d/*.conf\n"
                        + "Match User alice\n  AuthorizedKeysFile /srv/keys/%u\n"},
                new String[] {"srv/keys/alice", "file", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@laptop\n"});
        assertEquals(CheckStatus.FAIL, r.status(), r.evidence().toString());
        assertEvidence(r, "t:/srv/keys/alice holds ");
    }
}
