package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Policy;

import io.vhdflow.inspect.CheckCatalog;

import io.vhdflow.inspect.VerdictRule;

import io.vhdflow.inspect.Assessment;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CategoryReport;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog over the trees made by fixtures/make-linux-trees.sh with Debian 12, Debian's waagent
 * package and the real {@code waagent -deprovision}. Each variant fails exactly the expected
 * checks, with evidence naming the path and what was read.
 */
class LinuxFixtureChecksTest {

    static final String LOC = "mbr:p1/ext4";

    static LinuxOs detect(TreeFilesystem fs) throws IOException {
        return new LinuxOsDetector().detect(fs, LOC).orElseThrow();
    }

    static Assessment run(String variant, Policy policy, Set<String> waivers) throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst");
        // A time limit no loaded test machine reaches: the results asserted must not depend on load.
        LinuxContext ctx = new LinuxContext(fs, detect(fs), policy, List.of(), io.vhdflow.inspect.ScanBudget.parse("seconds=60"));
        Assessment a = VerdictRule.assess(policy, LinuxInspector.run(ctx, io.vhdflow.testing.Fixtures.generalizationChecks()), waivers);
        // Logged so the surefire report shows what an operator would read.
        StringBuilder shown = new StringBuilder("== " + variant + " (" + policy.id() + "): " + a.verdict());
        for (CheckResult r : a.checks()) {
            shown.append('\n').append(r.id()).append(' ').append(r.status()).append(' ').append(r.severity())
                    .append(' ').append(r.evidence());
        }
        System.getLogger(LinuxFixtureChecksTest.class.getName()).log(System.Logger.Level.INFO, shown.toString());
        return a;
    }

    static Assessment run(String variant) throws IOException {
        return run(variant, Policy.AZURE_PLATFORM, Set.of());
    }

    static Set<String> failed(Assessment a) {
        return a.checks().stream().filter(CheckResult::failed).map(CheckResult::id).collect(Collectors.toCollection(TreeSet::new));
    }

    static CheckResult check(Assessment a, String id) {
        return a.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    static boolean hasEvidence(CheckResult r, String fragment) {
        return r.evidence().stream().anyMatch(e -> e.contains(fragment));
    }

    static void assertEvidence(CheckResult r, String fragment) {
        assertTrue(hasEvidence(r, fragment), r.id() + " evidence should contain '" + fragment + "': " + r.evidence());
    }

    @Test
    void everyCheckRunsOnEveryVariant() throws IOException {
        for (String v : List.of("provisioned", "generalized", "deprov-nouser", "root-password-left", "host-keys-left",
                "history-left", "generalized-debian-conf", "cloudinit-leftover", "cloudinit-clean")) {
            Assessment a = run(v);
            assertEquals(io.vhdflow.testing.Fixtures.generalizationChecks().checks(LinuxCheck.class).size(), a.checks().size());
            assertTrue(a.checks().stream().noneMatch(c -> c.status() == CheckStatus.NOT_RUN), v + ": " + a.checks());
        }
    }

    static Set<String> warnings(Assessment a) {
        return new TreeSet<>(a.warnings());
    }

    @Test
    void provisionedFailsL1OnTheMarker() throws IOException {
        Assessment a = run("provisioned");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of(Category.PROVISIONING, Category.ACCESS), a.blockingCategories());
        CheckResult l1 = check(a, "L1");
        assertEquals(CheckStatus.FAIL, l1.status());
        assertEquals(Severity.MUST, l1.severity());
        assertEvidence(l1, LOC + ":/var/lib/waagent/provisioned exists (36 bytes), holding VM id 6c4f7e1a-2b9d-4c33-9a51-0d8e7f2a4b10");
        assertEvidence(l1, LOC + ":/var/lib/waagent/ovf-env.xml exists (");
        assertEvidence(l1, "naming user azureuser");
        assertTrue(a.reasons().get(0).startsWith("L1 (MUST) failed"), a.reasons().toString());
        // The provisioned VM shows every leftover the deprovisioning would remove.
        assertEquals(Set.of("L1", "L3", "L4", "L5", "L6", "L6B", "L7", "L7K", "L7S", "L17", "L20"), failed(a));
        assertEquals(Set.of("L3", "L5", "L6B", "L17", "L20"), warnings(a));
        assertEvidence(check(a, "L20"), LOC + ":/var/log/waagent.log exists (");
        // useradd (at provisioning) wrote /etc/shadow- after the build set root's password.
        assertEvidence(check(a, "L6B"), LOC + ":/etc/shadow-: root holds an old usable yescrypt ($y$) password hash");
        assertEvidence(check(a, "L6"), LOC + ":/etc/shadow: root has a usable yescrypt ($y$) password hash");
        assertEvidence(check(a, "L7S"), LOC + ":/etc/sudoers.d/waagent line 1 grants sudo to azureuser (uid 1000)");
        assertEvidence(check(a, "L4"), LOC + ":/root/.bash_history holds 131 bytes (5 lines)");
        assertEvidence(check(a, "L4"), LOC + ":/home/azureuser/.bash_history holds 173 bytes (5 lines)");
        assertEvidence(check(a, "L17"), LOC + ":/var/lib/dhcp/dhclient.eth0.leases exists (");
        assertEvidence(check(a, "L17"), LOC + ":/etc/resolv.conf exists (");
        // Host keys are kept but Debian's waagent.conf regenerates them (RegenerateSshHostKeyPair=y): a warning.
        assertEquals(Severity.SHOULD, check(a, "L5").severity());
        assertEvidence(check(a, "L5"), "Provisioning.RegenerateSshHostKeyPair=y");
    }

    @Test
    void theRealDeprovisionPlusUserOutputIsReadyWithWarnings() throws IOException {
        Assessment a = run("generalized");
        assertEquals(Verdict.READY, a.verdict(), a.reasons().toString());
        assertTrue(a.blocking().isEmpty());
        // Debian's agent leaves /etc/machine-id, and shadow-utils' '-' copies still name the deleted user.
        assertEquals(Set.of("L3", "L6B"), failed(a));
        assertEquals(Set.of("L3", "L6B"), warnings(a));
        assertTrue(a.reasons().get(0).endsWith("every blocking check passed; 2 warnings: L3, L6B"), a.reasons().toString());
        assertEvidence(check(a, "L3"), LOC + ":/etc/machine-id holds a machine id (33 bytes, 32 hex digits)");
        for (String backup : List.of("/etc/passwd-", "/etc/shadow-", "/etc/group-", "/etc/gshadow-")) {
            assertEvidence(check(a, "L6B"), LOC + ":" + backup + " holds 1 entry no longer in " + backup.replace("-", "")
                    + ": azureuser");
        }
        assertTrue(check(a, "L6B").evidence().stream().noneMatch(e -> e.contains("hash")),
                "the agent locked root before shadow- was written: no old hash");
        assertEvidence(check(a, "L1"), LOC + ":/var/lib/waagent/provisioned absent");
        assertEvidence(check(a, "L6"), LOC + ":/etc/shadow: root is locked ('*LOCK*')");
        assertEvidence(check(a, "L5"), LOC + ":/etc/ssh: no ssh_host_*key* files");
        // The agent emptied its sudoers file rather than deleting it: no rule, nothing granted.
        assertEquals(CheckStatus.PASS, check(a, "L7S").status());
        assertEvidence(check(a, "L7S"), LOC + ":/etc/sudoers.d/waagent holds no rule");
        assertEquals(CheckStatus.PASS, check(a, "L7").status());
        assertEquals(CheckStatus.PASS, check(a, "L7K").status());
        assertEquals(CheckStatus.PASS, check(a, "L4").status());
        assertEquals(CheckStatus.PASS, check(a, "L8").status());
        assertEvidence(check(a, "L8"), "/etc/systemd/system/*.wants/walinuxagent.service");
        assertEquals(CheckStatus.NOT_APPLICABLE, check(a, "L2").status());
        assertEquals(CheckStatus.NOT_APPLICABLE, check(a, "L10").status());
        assertEquals(List.of(), a.blockingCategories());
        assertEquals(CategoryReport.State.WARNS, category(a, Category.HYGIENE).state());
        assertEquals(CategoryReport.State.PASSES, category(a, Category.ACCESS).state());
    }

    static CategoryReport category(Assessment a, Category c) {
        return a.categories().stream().filter(x -> x.category() == c).findFirst().orElseThrow();
    }

    @Test
    void policiesJudgeTheSameFindingsDifferently() throws IOException {
        // Marketplace also wants agent auto-update on, which Debian's waagent.conf turns off (a warning).
        Assessment m = run("generalized", Policy.MARKETPLACE, Set.of());
        assertEquals(Verdict.READY, m.verdict());
        assertEquals(Set.of("L3", "L6B", "L9B"), warnings(m));
        // Strict: the Marketplace's rules, and every warning blocks.
        Assessment s = run("generalized", Policy.STRICT, Set.of());
        assertEquals(Verdict.NOT_READY, s.verdict());
        assertEquals(Set.of("L3", "L6B", "L9B"), new TreeSet<>(s.blocking()));
        assertEquals(List.of(Category.PROVISIONING, Category.HYGIENE), s.blockingCategories());
        assertEquals(Severity.MUST, check(s, "L3").severity());
        // A waiver still works under strict.
        Assessment w = run("generalized", Policy.STRICT, Set.of("L3", "L6B", "L9B"));
        assertEquals(Verdict.READY, w.verdict(), w.reasons().toString());
    }

    @Test
    void debiansShippedAgentConfigurationCannotProvisionWithoutCloudInit() throws IOException {
        // Debian's waagent package ships Provisioning.Agent=cloud-init; without cloud-init nobody provisions.
        Assessment a = run("generalized-debian-conf");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of(Category.PROVISIONING), a.blockingCategories());
        // The same file sets ResourceDisk.Format=y, which collides with cloud-init's resource disk handling.
        assertEquals(Set.of("L3", "L6B", "L9", "L9B"), failed(a));
        assertEvidence(check(a, "L9"), LOC + ":/etc/waagent.conf: Provisioning.Agent=cloud-init but cloud-init is not installed");
        assertTrue(a.reasons().get(0).startsWith("L9 (MUST) failed"));
    }

    @Test
    void deprovisionWithoutUserLeavesTheAccountItsKeysSudoAndHistory() throws IOException {
        Assessment a = run("deprov-nouser");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of(Category.ACCESS), a.blockingCategories());
        assertEquals(Set.of("L4", "L7", "L7K", "L7S"), new TreeSet<>(a.blocking()));
        assertEquals(Set.of("L3", "L6B"), warnings(a));
        assertEvidence(check(a, "L7"), LOC + ":/etc/passwd: azureuser (uid 1000, /etc/login.defs UID_MIN 1000) has login "
                + "shell /bin/bash and home " + LOC + ":/home/azureuser");
        assertEvidence(check(a, "L7S"), LOC + ":/etc/sudoers.d/waagent line 1 grants sudo to azureuser (uid 1000): "
                + "azureuser ALL=(ALL) NOPASSWD: ALL");
        assertEvidence(check(a, "L7K"), LOC + ":/home/azureuser/.ssh/authorized_keys holds 107 bytes, 1 key: "
                + "ssh-ed25519 azureuser@contoso-admin");
        assertEvidence(check(a, "L4"), LOC + ":/home/azureuser/.bash_history holds 173 bytes (5 lines)");
        // -deprovision rewrote /etc/shadow with root:*LOCK*, but shadow-utils' backup still has the hash: a warning.
        assertEvidence(check(a, "L6B"), LOC + ":/etc/shadow-: root holds an old usable yescrypt ($y$) password hash");
        assertEquals(CheckStatus.PASS, check(a, "L6").status());
    }

    @Test
    void rootPasswordLeftWhenDeleteRootPasswordIsOff() throws IOException {
        Assessment a = run("root-password-left");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of("L6"), a.blocking());
        assertEquals(Set.of("L3", "L6", "L6B"), failed(a));
        assertEvidence(check(a, "L6"), LOC + ":/etc/shadow: root has a usable yescrypt ($y$) password hash");
        assertEvidence(check(a, "L6B"), LOC + ":/etc/shadow-: root holds an old usable yescrypt ($y$) password hash");
        assertTrue(a.checks().stream().flatMap(c -> c.evidence().stream()).noneMatch(e -> e.contains("$y$j9T")),
                "the hash itself never appears");
    }

    @Test
    void hostKeysBlockWhenNothingRegeneratesThem() throws IOException {
        Assessment a = run("host-keys-left");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of("L5"), a.blocking());
        assertEquals(Severity.MUST, check(a, "L5").severity());
        assertEvidence(check(a, "L5"), LOC + ":/etc/ssh holds 6 host key file(s): ssh_host_ecdsa_key");
        assertEvidence(check(a, "L5"), "Provisioning.RegenerateSshHostKeyPair=n");
        assertEvidence(check(a, "L5"), "every VM created from the image would present these same host keys");
    }

    @Test
    void historyWrittenAfterDeprovisioningBlocks() throws IOException {
        Assessment a = run("history-left");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of("L4"), a.blocking());
        assertEquals(Severity.MUST, check(a, "L4").severity());
        assertEvidence(check(a, "L4"), LOC + ":/root/.bash_history holds 3312 bytes (44 lines)");
        assertTrue(a.reasons().get(0).startsWith("L4 (MUST) failed"));

        Assessment w = run("history-left", Policy.AZURE_PLATFORM, Set.of("L4"));
        assertEquals(Verdict.READY, w.verdict());
        assertEquals(CheckStatus.WAIVED, check(w, "L4").status());
        assertEvidence(check(w, "L4"), "waived by configuration");
        assertTrue(w.reasons().stream().anyMatch(r -> r.startsWith("L4 (MUST) failed but is waived")));
    }

    @Test
    void waivingThePassingCheckChangesNothingAndWaivingOneBlockerLeavesTheOthers() throws IOException {
        Assessment a = run("generalized", Policy.AZURE_PLATFORM, Set.of("L1", "L5"));
        assertEquals(CheckStatus.PASS, check(a, "L1").status());
        Assessment p = run("provisioned", Policy.AZURE_PLATFORM, Set.of("L1"));
        assertEquals(CheckStatus.WAIVED, check(p, "L1").status());
        assertEquals(Verdict.NOT_READY, p.verdict());
        assertEquals(List.of(Category.ACCESS), p.blockingCategories(), "L1 waived: provisioning no longer blocks");
    }

    @Test
    void cloudInitImagesAreJudgedByCloudInitsState() throws IOException {
        Assessment left = run("cloudinit-leftover");
        assertEquals(LinuxOs.Provisioner.CLOUD_INIT, detect(TreeFilesystem.fromResource("/fixtures/linux/cloudinit-leftover.tar.zst")).provisioner());
        // waagent -deprovision removes its own log but not cloud-init's; cloud-init's sudoers file outlives the user.
        assertEquals(Set.of("L2", "L3", "L6B", "L7S", "L20"), failed(left));
        assertEquals(Verdict.READY, left.verdict(), left.reasons().toString());
        assertEvidence(check(left, "L20"), LOC + ":/var/log/cloud-init.log exists (");
        assertEvidence(check(left, "L2"), LOC + ":/var/lib/cloud/instance exists (symbolic link to /var/lib/cloud/instances/6c4f7e1a-2b9d-4c33-9a51-0d8e7f2a4b10)");
        // cloud-init deletes and regenerates host keys (ssh_deletekeys default true), so keys would be fine.
        assertEquals(CheckStatus.PASS, check(left, "L10").status());
        // Debian's cloud-init package sets no datasource_list: ds-identify picks Azure at boot.
        assertEvidence(check(left, "L10"), "datasource_list unset in 2 cloud-init file(s): ds-identify decides");

        Assessment clean = run("cloudinit-clean");
        assertEquals(Verdict.READY, clean.verdict());
        assertEquals(Set.of("L6B", "L7S"), failed(clean), "cloud-init clean does not touch the sudoers file it wrote");
        // The rule names a user that -deprovision+user deleted: it grants nothing until the name is reused.
        CheckResult l7s = check(clean, "L7S");
        assertEquals(Severity.SHOULD, l7s.severity());
        assertEvidence(l7s, LOC + ":/etc/sudoers.d/90-cloud-init-users line 4 grants sudo to azureuser, an account that "
                + "no longer exists");
        // cloud-init clean --machine-id deletes the file when systemd is not running (as in the chroot);
        // on a booted systemd host it writes 'uninitialized'. Both pass L3.
        assertEquals(CheckStatus.PASS, check(clean, "L3").status());
        assertEvidence(check(clean, "L3"), LOC + ":/etc/machine-id absent");
        assertEvidence(check(clean, "L2"), LOC + ":/var/lib/cloud/instance absent");
    }

    @Test
    void swapPartitionsReportedByTheVolumeLayerFailL14() throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
        LinuxContext ctx = new LinuxContext(fs, detect(fs), Policy.AZURE_PLATFORM, List.of("mbr:p2 type 0x82 (Linux swap)"));
        Assessment a = VerdictRule.assess(LinuxInspector.run(ctx, io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of());
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEvidence(check(a, "L14"), "swap partition on the OS disk: mbr:p2 type 0x82 (Linux swap)");
        assertEquals(CheckStatus.PASS, check(run("generalized"), "L14").status());
    }
}
