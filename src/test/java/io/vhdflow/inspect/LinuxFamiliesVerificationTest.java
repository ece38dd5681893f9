package io.vhdflow.inspect;

import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution-family images of fixtures/make-linux-families.sh (see its MANIFEST.md), read
 * end to end as {@code vhdflow inspect} reads them: VHD, partitions, LVM, ext4/XFS/btrfs, the Linux
 * checks and the verdict. Each family has a generalized image and two that are not, and each
 * image fails exactly the checks its making calls for, with the evidence naming where.
 */
class LinuxFamiliesVerificationTest {
    @TempDir
    static Path dir;

    /** Each image unpacked once for the class (they are 64-300 MiB sparse). */
    static final java.util.Map<String, Path> UNPACKED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The family images carry no kernel, initramfs or ESP filesystem, and their fstab was written for the
     * build machine's disk (RHEL: rootvg and an ESP UUID, where the image has vhdflowrootvg and an empty ESP;
     * Azure Linux: another disk's PARTUUID): the boot checks run on their own images
     * (fixtures/make-linux-boot.sh), and L15R's reading of these is tested below.
     */
    static final io.vhdflow.inspect.CheckCatalog FAMILY_CHECKS = Fixtures.generalizationChecks().without(Set.of("L15", "L15R"));

    static VerificationReport verify(String image, String policy) throws IOException {
        Path vhd = UNPACKED.computeIfAbsent(image, i -> Fixtures.extract("linux-families/" + i + ".vhd.zst", dir));
        return new VerificationService(FAMILY_CHECKS, io.vhdflow.inspect.ScanBudget.DEFAULT).verify(vhd, policy, Set.of());
    }

    static VerificationReport verify(String image) throws IOException {
        return verify(image, "azure-platform");
    }

    static Set<String> failed(VerificationReport r) {
        return r.checks().stream().filter(CheckResult::failed).map(CheckResult::id).collect(Collectors.toCollection(TreeSet::new));
    }

    static CheckResult check(VerificationReport r, String id) {
        return r.check(id).orElseThrow();
    }

    static void assertEvidence(CheckResult c, String fragment) {
        assertTrue(c.evidence().stream().anyMatch(e -> e.contains(fragment)), c.id() + " evidence should contain '"
                + fragment + "': " + c.evidence());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ext4-mbr-debian-cloud-generalized        | READY           | L6B                             | Debian family | debian 12
            ext4-mbr-debian-cloud-uncleaned          | NOT_READY       | L1 L2 L3 L5 L6 L6B L7 L7S L17 L20 | Debian family | debian 12
            ext4-mbr-debian-cloud-installer-leftovers| NOT_READY       | L6B L10 L10B L10N               | Debian family | debian 12
            xfs-lvm-gpt-rhel-generalized             | READY           |                                 | RHEL family   | rocky 9.4
            xfs-lvm-gpt-rhel-build-network           | NOT_READY       | L10N L17 L24 L26                | RHEL family   | rocky 9.4
            xfs-lvm-gpt-rhel-provisioned             | NOT_READY       | L1 L17 L20 L25                  | RHEL family   | rocky 9.4
            btrfs-gpt-suse-generalized               | READY           |                                 | SUSE family   | sles 15.6
            btrfs-gpt-suse-registered                | NOT_READY       | L1 L20 L28 L29                  | SUSE family   | sles 15.6
            btrfs-gpt-suse-build-network             | NOT_READY       | L10N L26 L27                    | SUSE family   | sles 15.6
            ext4-mbr-azurelinux-generalized          | READY           |                                 | Azure Linux   | azurelinux 3.0
            ext4-mbr-azurelinux-uncleaned            | NOT_READY       | L1 L2 L10N L20                  | Azure Linux   | azurelinux 3.0
            ext4-mbr-azurelinux-cloud-init-disabled  | NOT_READY       | L9 L10 L30                      | Azure Linux   | azurelinux 3.0
            """)
    void eachImageHasItsVerdictAndFailsExactlyItsChecks(String image, Verdict verdict, String failedIds, String family,
                                                         String distro) throws IOException {
        VerificationReport r = verify(image);
        assertEquals(verdict, r.verdict(), r.reasons().toString());
        Set<String> want = failedIds == null ? Set.of() : new TreeSet<>(Arrays.asList(failedIds.strip().split("\\s+")));
        assertEquals(want, failed(r), image);
        assertTrue(r.checks().stream().noneMatch(c -> c.status() == CheckStatus.NOT_RUN), r.checks().toString());
        CheckResult l22 = check(r, "L22");
        assertEquals(CheckStatus.PASS, l22.status());
        assertEquals(family + ": " + distro + ", decided by " + r.checks().stream().filter(c -> c.id().equals("L1"))
                .findFirst().orElseThrow().evidence().get(0).split(":/")[0] + ":/etc/os-release ID=" + distro.split(" ")[0],
                l22.evidence().get(0));
    }

    @Test
    void fstabEntriesForAnotherDiskAreFoundOutAndSuseSubvolumesAreMounted() throws IOException {
        // Azure Linux: / named by a PARTUUID of the disk the tree was built for. The kernel mounts / from
        // root=, so the boot goes on: a warning.
        Path az = UNPACKED.computeIfAbsent("ext4-mbr-azurelinux-generalized", i -> Fixtures.extract("linux-families/" + i + ".vhd.zst", dir));
        CheckResult root = check(new VerificationService().verify(az, "azure-platform", Set.of()), "L15R");
        assertTrue(root.failed());
        assertEquals(Severity.SHOULD, root.severity());
        assertEvidence(root, "mbr:p1/ext4:/etc/fstab line 1: PARTUUID=4c0a2f1e-6b3d-4e8a-9f7c-1d2e3f4a5b6c / ext4: unresolved, "
                + "no volume of this disk has partition UUID 4c0a2f1e-6b3d-4e8a-9f7c-1d2e3f4a5b6c");
        // RHEL: /boot/efi names a FAT UUID no volume has (the image's ESP holds no filesystem): systemd would
        // stop in emergency mode, so it blocks.
        Path rhel = UNPACKED.computeIfAbsent("xfs-lvm-gpt-rhel-generalized", i -> Fixtures.extract("linux-families/" + i + ".vhd.zst", dir));
        CheckResult esp = check(new VerificationService().verify(rhel, "azure-platform", Set.of()), "L15R");
        assertEquals(Severity.MUST, esp.severity());
        assertEvidence(esp, "/boot/efi vfat: unresolved, no volume of this disk has filesystem UUID 6f6a1c6e-2d1e-4b7f-9c3e-0a1b2c3d4e5f");
        // SUSE: /home and /.snapshots are btrfs subvolumes of the root's filesystem, mounted as fstab says.
        Path suse = UNPACKED.computeIfAbsent("btrfs-gpt-suse-generalized", i -> Fixtures.extract("linux-families/" + i + ".vhd.zst", dir));
        CheckResult subvols = check(new VerificationService().verify(suse, "azure-platform", Set.of()), "L15R");
        assertEquals(CheckStatus.PASS, subvols.status(), subvols.evidence().toString());
        assertEvidence(subvols, "/home btrfs: mounted, filesystem UUID 2b7e5c1a-9d3f-4e6a-8b1c-0d2e3f4a5b6c is gpt:p2/btrfs, subvol=/@/home");
        assertEvidence(subvols, "/.snapshots btrfs: mounted, filesystem UUID 2b7e5c1a-9d3f-4e6a-8b1c-0d2e3f4a5b6c is gpt:p2/btrfs, subvol=/@/.snapshots");
    }

    @Test
    void debianCloudInitCleanedByTheRealToolsPassesAndTheUncleanedStateFails() throws IOException {
        VerificationReport clean = verify("ext4-mbr-debian-cloud-generalized");
        String loc = "mbr:p1/ext4";
        assertEvidence(check(clean, "L2"), loc + ":/var/lib/cloud/instance absent");
        assertEvidence(check(clean, "L10"), loc + ":/etc/cloud/cloud.cfg.d/91-azure_datasource.cfg: datasource_list [Azure] includes Azure");
        assertEvidence(check(clean, "L9B"), "cloud-init's module lists run disk_setup and mounts");
        assertEvidence(check(clean, "L22"), "provisioning: cloud-init provisions, the Azure Linux Agent reports and runs extensions");
        assertEvidence(check(clean, "L22"), "package databases: dpkg " + loc + ":/var/lib/dpkg/status");
        assertEvidence(check(clean, "L25"), loc + ":/usr/lib/systemd/system/walinuxagent.service: the debian name, enabled");
        assertEvidence(check(clean, "L25"), "installed by the dpkg package waagent");

        VerificationReport left = verify("ext4-mbr-debian-cloud-uncleaned");
        // What the real cloud-init left after its boot stages (None datasource: iid-datasource-none).
        assertEvidence(check(left, "L2"), loc + ":/var/lib/cloud/instance exists (symbolic link to /var/lib/cloud/instances/iid-datasource-none)");
        assertEvidence(check(left, "L2"), loc + ":/var/lib/cloud/data holds 8 file(s): instance-id, previous-datasource");
        assertEvidence(check(left, "L20"), loc + ":/var/log/cloud-init.log exists (");
        assertEvidence(check(left, "L7"), loc + ":/etc/passwd: debian (uid 1000");
        assertEvidence(check(left, "L7S"), loc + ":/etc/sudoers.d/90-cloud-init-users");
        assertEvidence(check(left, "L7S"), "grants sudo to debian (uid 1000)");
        assertEvidence(check(left, "L3"), loc + ":/etc/machine-id holds a machine id");
        assertEquals(java.util.List.of("L1", "L6", "L7", "L7S"), left.blocking());
    }

    @Test
    void aLaterCloudInitFileTakingAzureAwayBlocksAndInstallerLeftoversAreNamed() throws IOException {
        VerificationReport r = verify("ext4-mbr-debian-cloud-installer-leftovers");
        String loc = "mbr:p1/ext4";
        CheckResult l10 = check(r, "L10");
        assertEquals(Severity.MUST, l10.severity());
        assertEvidence(l10, loc + ":/etc/cloud/cloud.cfg.d/99-installer.cfg: datasource_list [None] does not include Azure "
                + "(it overrides " + loc + ":/etc/cloud/cloud.cfg.d/91-azure_datasource.cfg [Azure], read before it)");
        assertEquals(java.util.List.of("L10"), r.blocking());
        assertEvidence(check(r, "L10B"), loc + ":/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg exists (installer leftover)");
        assertEvidence(check(r, "L10B"), loc + ":/etc/netplan/00-installer-config.yaml exists (installer leftover)");
        // The real cloud-init's netplan file for the build VM's NIC, which it will not rewrite with its networking disabled.
        assertEvidence(check(r, "L10N"), loc + ":/etc/netplan/50-cloud-init.yaml line 14: bound to MAC address 00:0d:3a:6e:4f:21 (macaddress)");
        assertEvidence(check(r, "L10N"), "network: {config: disabled}: cloud-init will not render configuration for the new VM's NIC");
    }

    @Test
    void rhelNetworkScriptsNetworkManagerAndDracut() throws IOException {
        String loc = "lvm:vhdflowrootvg/root/xfs";
        VerificationReport ok = verify("xfs-lvm-gpt-rhel-generalized");
        assertEvidence(check(ok, "L24"), loc + ":/etc/sysconfig/network-scripts/ifcfg-eth0: BOOTPROTO=dhcp, no HWADDR, MACADDR or UUID");
        assertEvidence(check(ok, "L26"), "add_drivers/force_drivers include hv_vmbus, hv_netvsc, hv_storvsc");
        assertEvidence(check(ok, "L25"), loc + ":/usr/lib/systemd/system/waagent.service: the rhel name, enabled");
        assertEvidence(check(ok, "L22"), "package databases: rpm (sqlite) " + loc + ":/var/lib/rpm/rpmdb.sqlite, dnf " + loc + ":/var/lib/dnf");

        VerificationReport net = verify("xfs-lvm-gpt-rhel-build-network");
        assertEquals(java.util.List.of("L26"), net.blocking());
        assertEvidence(check(net, "L26"), loc + ":/etc/dracut.conf.d/99-kvm-build.conf line 2: omit_drivers+= 'hv_storvsc' leaves "
                + "hv_storvsc out of every initramfs dracut builds");
        assertEvidence(check(net, "L24"), loc + ":/etc/sysconfig/network-scripts/ifcfg-eth0 line 5: HWADDR=00:0d:3a:6e:4f:21 binds the profile");
        assertEvidence(check(net, "L24"), loc + ":/etc/sysconfig/network-scripts/ifcfg-eth1 line 10: UUID=3c3e8c4a-7f3b-4c0e-8d5a-2f1b9e6a4d21");
        assertEvidence(check(net, "L24"), "static address 192.168.122.50 (BOOTPROTO=none) of the build VM");
        assertEvidence(check(net, "L10N"), loc + ":/etc/NetworkManager/system-connections/cloud-init-eth0.nmconnection line 12: "
                + "bound to MAC address 00:0d:3a:6e:4f:21 (mac-address)");
        assertEvidence(check(net, "L17"), loc + ":/etc/udev/rules.d/70-persistent-net.rules exists (96 bytes)");
        // cloud-init's own keyfile is L10N's, not reported twice.
        assertTrue(check(net, "L17").evidence().stream().noneMatch(e -> e.contains("cloud-init-eth0.nmconnection")));

        VerificationReport prov = verify("xfs-lvm-gpt-rhel-provisioned");
        assertEvidence(check(prov, "L25"), loc + ":/usr/lib/systemd/system/walinuxagent.service is the Debian/Ubuntu unit: on rhel "
                + "the agent stops, starts and updates itself as waagent (and it is the one enabled)");
        assertEvidence(check(prov, "L17"), loc + ":/var/lib/NetworkManager/internal-7f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f-eth0.lease exists");
    }

    @Test
    void suseOnBtrfsIsReadThroughItsDefaultSubvolume() throws IOException {
        String loc = "gpt:p2/btrfs";
        VerificationReport ok = verify("btrfs-gpt-suse-generalized");
        assertEquals("V2", ok.facts().hyperVGeneration().orElseThrow());
        assertTrue(ok.facts().osName().orElseThrow().contains("SUSE Linux Enterprise Server 15 SP6"));
        assertEvidence(check(ok, "L27"), "wicked enabled");
        assertEvidence(check(ok, "L27"), loc + ":/etc/sysconfig/network/ifcfg-eth0: BOOTPROTO='dhcp', STARTMODE='auto'");
        assertEvidence(check(ok, "L22"), "provisioning: the Azure Linux Agent provisions (waagent alone)");
        assertEvidence(check(ok, "L22"), "package databases: rpm (sqlite) " + loc + ":/usr/lib/sysimage/rpm/rpmdb.sqlite, zypp");

        VerificationReport reg = verify("btrfs-gpt-suse-registered");
        CheckResult l28 = check(reg, "L28");
        assertEquals(Category.SECRETS, l28.category());
        assertEquals(java.util.List.of("zypp-credentials: " + loc + ":/etc/zypp/credentials.d/SCCcredentials line 2: password "
                + "(32 characters, sha256 2ed8f84c1934)"), l28.evidence());
        assertTrue(l28.evidence().stream().noneMatch(e -> e.contains("0f9c2e7a")), "the password itself never appears");
        assertEvidence(check(reg, "L29"), loc + ":/etc/SUSEConnect exists (registration configuration, server https://scc.suse.com)");
        assertEvidence(check(reg, "L29"), "1 registered service(s): SUSE_Linux_Enterprise_Server_15_SP6_x86_64.service");
        // Leftover secrets block under every policy, not only the Marketplace's.
        assertEquals(Severity.MUST, l28.severity());
        assertTrue(reg.blocking().contains("L28"), "the registration login blocks: " + reg.blocking());

        VerificationReport net = verify("btrfs-gpt-suse-build-network");
        assertEvidence(check(net, "L27"), loc + ":/etc/sysconfig/network/ifcfg-eth0 line 4: LLADDR=00:0d:3a:6e:4f:21");
        assertEvidence(check(net, "L27"), loc + ":/etc/sysconfig/network/ifcfg-eth1: configuration of a NIC other than eth0");
        assertEvidence(check(net, "L10N"), loc + ":/etc/udev/rules.d/85-persistent-net-cloud-init.rules line 1: bound to MAC address "
                + "00:0d:3a:6e:4f:21 (ATTR{address})");
        assertEvidence(check(net, "L26"), loc + ":/etc/dracut.conf.d/99-kvm-build.conf line 1: omit_drivers+= 'hv_storvsc'");
    }

    @Test
    void azureLinuxAsShippedAndTwoWaysItIsNot() throws IOException {
        String loc = "mbr:p1/ext4";
        VerificationReport ok = verify("ext4-mbr-azurelinux-generalized");
        assertEvidence(check(ok, "L30"), "provisioning: cloud-init provisions, the Azure Linux Agent reports and runs extensions");
        assertEvidence(check(ok, "L30"), loc + ":/etc/waagent.conf: Provisioning.Agent=auto, ResourceDisk.Format=n");
        assertEvidence(check(ok, "L22"), "package databases: rpm (sqlite) " + loc + ":/var/lib/rpm/rpmdb.sqlite, tdnf " + loc + ":/var/lib/tdnf");

        VerificationReport left = verify("ext4-mbr-azurelinux-uncleaned");
        assertEvidence(check(left, "L10N"), loc + ":/etc/systemd/network/10-cloud-init-eth0.network line 5: bound to MAC address "
                + "00:0d:3a:6e:4f:21 (MACAddress)");

        VerificationReport off = verify("ext4-mbr-azurelinux-cloud-init-disabled");
        assertEvidence(check(off, "L22"), "provisioning: the Azure Linux Agent leaves provisioning to cloud-init, which is not "
                + "installed or not enabled: nothing provisions");
        assertEvidence(check(off, "L30"), "cloud-init is not enabled (" + loc + ":/etc/cloud/cloud-init.disabled exists)");
        assertEvidence(check(off, "L9"), loc + ":/etc/waagent.conf: Provisioning.Agent=cloud-init but cloud-init is not enabled");
    }

    @Test
    void familyRulesSayWhyTheyDoNotApplyAndTheReportListsWhichRan() throws IOException {
        VerificationReport suse = verify("btrfs-gpt-suse-generalized");
        CheckResult l24 = check(suse, "L24");
        assertEquals(CheckStatus.NOT_APPLICABLE, l24.status());
        assertEquals(java.util.List.of("a rule for the rhel family; this image is suse family (sles 15.6, by /etc/os-release ID=sles)"),
                l24.evidence());
        assertEvidence(check(suse, "L22"), "family rules run: L25 (debian/rhel/suse/azurelinux), L26 (rhel/suse/azurelinux), "
                + "L27 (suse), L28 (suse), L29 (suse)");
        assertEvidence(check(suse, "L22"), "family rules not applicable to suse: L24 (rhel), L30 (azurelinux)");
        VerificationReport debian = verify("ext4-mbr-debian-cloud-generalized");
        assertEquals(CheckStatus.NOT_APPLICABLE, check(debian, "L26").status());
        assertEvidence(check(debian, "L26"), "a rule for the rhel, suse, azurelinux families; this image is debian family");
    }
}
