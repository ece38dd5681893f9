package io.vhdflow.inspect;

import io.vhdflow.inspect.packages.SoftwareInventory;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian 12 disk images with a real kernel and initramfs (fixtures/make-linux-boot.sh), laid out
 * like Azure's LVM images: ESP, separate /boot, LVM with root and /var LVs. Read offline end to
 * end: the tree is assembled from /etc/fstab, the boot loader's default entry found, its
 * initramfs unpacked.
 */
class LinuxBootImagesTest {
    @TempDir
    Path dir;

    static final String KERNEL = "6.1.0-50-cloud-amd64";

    private VerificationReport verify(String image) throws Exception {
        return new VerificationService().verify(Fixtures.extract("linux-boot/" + image + ".vhd.zst", dir), "azure-platform");
    }

    static String evidence(VerificationReport r, String id) {
        return String.join("\n", r.check(id).orElseThrow().evidence());
    }

    @Test
    void aReadyImageShowsItsKernelCmdlineAndTheThreeHyperVDrivers() throws Exception {
        VerificationReport r = verify("gen2-lvm-ready");
        List<String> failedMust = r.checks().stream().filter(c -> c.failed() && c.severity() == Severity.MUST)
                .map(c -> c.id() + " " + c.evidence()).toList();
        assertTrue(failedMust.isEmpty(), failedMust.toString());
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        assertEquals(CheckStatus.PASS, r.check("L11").orElseThrow().status(), evidence(r, "L11"));
        String l11 = evidence(r, "L11");
        assertTrue(l11.contains("default entry 'Debian GNU/Linux' (grub, gpt:p2/ext4:/boot/grub/grub.cfg): kernel " + KERNEL
                + " (gpt:p2/ext4:/boot/vmlinuz-" + KERNEL + ")"), l11);
        assertTrue(l11.contains("cmdline 'root=/dev/mapper/rootvg-rootlv ro console=tty0 console=ttyS0,115200n8 "
                + "earlyprintk=ttyS0,115200 rootdelay=300'"), l11);
        String l12 = evidence(r, "L12");
        assertEquals(CheckStatus.PASS, r.check("L12").orElseThrow().status(), l12);
        assertTrue(l12.contains("read gpt:p2/ext4:/boot/initrd.img-" + KERNEL) || l12.contains("read /boot/initrd.img-" + KERNEL), l12);
        assertTrue(l12.contains("2 segment(s) (none + zstd)"), l12);
        for (String m : List.of("hv_vmbus: ", "hv_storvsc: ", "hv_netvsc: ")) {
            assertTrue(l12.contains(m + "/boot/initrd.img-" + KERNEL + " usr/lib/modules/" + KERNEL + "/kernel/drivers/"), l12);
        }
        assertEquals(CheckStatus.PASS, r.check("L16").orElseThrow().status(), evidence(r, "L16"));
        assertTrue(evidence(r, "L16").contains("gpt:p1/fat32:/EFI/BOOT/BOOTX64.EFI present"), evidence(r, "L16"));
        assertEquals(CheckStatus.PASS, r.check("L13").orElseThrow().status());
        assertEquals(CheckStatus.PASS, r.check("L18").orElseThrow().status(), evidence(r, "L18"));
        assertTrue(evidence(r, "L18").contains("lvm:rootvg/rootlv/ext4:/etc/ssh/sshd_config.d/50-azure.conf line 1: ClientAliveInterval 180"),
                evidence(r, "L18"));
        assertEquals(CheckStatus.PASS, r.check("L21").orElseThrow().status(), evidence(r, "L21"));
        assertTrue(evidence(r, "L21").contains("agent package waagent 2.") && evidence(r, "L21").contains("kernel " + KERNEL),
                evidence(r, "L21"));
    }

    @Test
    void separateBootEspAndVarVolumesAreMountedFromFstab() throws Exception {
        VerificationReport r = verify("gen2-lvm-ready");
        String l15r = evidence(r, "L15R");
        assertEquals(CheckStatus.PASS, r.check("L15R").orElseThrow().status(), l15r);
        assertTrue(l15r.contains(" / ext4: root, filesystem UUID 3f1c2a4e-7d5b-4c11-9e2a-6b7c8d9e0f10 is lvm:rootvg/rootlv/ext4"), l15r);
        assertTrue(l15r.contains(" /boot ext4: mounted, filesystem UUID 7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d is gpt:p2/ext4"), l15r);
        assertTrue(l15r.contains(" /boot/efi vfat: mounted, filesystem UUID 5646-C003 is gpt:p1/fat32"), l15r);
        assertTrue(l15r.contains("/dev/mapper/rootvg-varlv /var ext4: mounted, logical volume rootvg/varlv"), l15r);
        // Root on LVM boots but is a warning (L15), not a blocker.
        assertTrue(r.check("L15").orElseThrow().failed());
        assertEquals(Severity.SHOULD, r.check("L15").orElseThrow().severity());
        // The package database lives on /var: reading it at all proves /var is mounted.
        SoftwareInventory inv = r.software().get(0);
        assertEquals("/var/lib/dpkg/status", inv.databases().get(0).path());
        assertEquals(installedInDpkgQuery(), inv.packages().size());
    }

    @Test
    void aProvisionedMarkerOnTheVarLogicalVolumeFailsL1() throws Exception {
        VerificationReport r = verify("gen2-lvm-provisioned");
        assertEquals(Verdict.NOT_READY, r.verdict());
        String l1 = evidence(r, "L1");
        assertTrue(r.check("L1").orElseThrow().failed(), l1);
        assertTrue(l1.contains("lvm:rootvg/varlv/ext4:/var/lib/waagent/provisioned exists (37 bytes)"), l1);
    }

    @Test
    void withoutTheHyperVModulesTheImageIsNotReadyAndTheInitramfsIsNamed() throws Exception {
        VerificationReport r = verify("gen2-lvm-nohv");
        assertEquals(Verdict.NOT_READY, r.verdict());
        CheckResult l12 = r.check("L12").orElseThrow();
        assertTrue(l12.failed());
        assertEquals(Category.BOOT, l12.category());
        assertEquals(Severity.MUST, l12.severity());
        assertTrue(r.blocking().contains("L12"), r.blocking().toString());
        assertEquals(List.of(Category.BOOT), r.blockingCategories());
        assertTrue(evidence(r, "L12").contains("missing from initramfs gpt:p2/ext4:/boot/initrd.img-" + KERNEL
                + " and not built into kernel " + KERNEL + ": hv_vmbus, hv_storvsc, hv_netvsc"), evidence(r, "L12"));
    }

    @Test
    void aGen2ImageWithoutTheFallbackLoaderBlocks() throws Exception {
        VerificationReport r = verify("gen2-lvm-nofallback");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(r.blocking().contains("L16"), r.blocking().toString());
        assertTrue(evidence(r, "L16").contains("gpt:p1/fat32:/EFI/BOOT/BOOTX64.EFI absent; the ESP's /EFI holds debian"),
                evidence(r, "L16"));
    }

    @Test
    void aBlacklistedUdfBlocks() throws Exception {
        VerificationReport r = verify("gen2-lvm-udf-blacklisted");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(r.blocking().contains("L13"), r.blocking().toString());
        assertTrue(evidence(r, "L13").contains("lvm:rootvg/rootlv/ext4:/etc/modprobe.d/cis-hardening.conf line 1: 'install udf /bin/true'"),
                evidence(r, "L13"));
    }

    @Test
    void partitionsAreFoundByLabelUuidAndMbrPartuuidAndAnotherDisksNofailEntryDoesNotBlock() throws Exception {
        VerificationReport r = verify("gen1-parts");
        String l15r = evidence(r, "L15R");
        assertEquals(CheckStatus.PASS, r.check("L15R").orElseThrow().status(), l15r);
        assertTrue(l15r.contains("LABEL=boot /boot ext4: mounted, filesystem label boot is mbr:p1/ext4"), l15r);
        assertTrue(l15r.contains("PARTUUID=5646c004-03 /var ext4: mounted, partition UUID 5646c004-03 is mbr:p3/ext4"), l15r);
        assertTrue(l15r.contains("/dev/sdb1 /datadisk ext4: unresolved, device /dev/sdb1 is another disk than the OS disk (nofail/noauto: does not stop the boot)"), l15r);
        assertTrue(evidence(r, "L1").contains("mbr:p3/ext4:/var/lib/waagent/provisioned exists"), evidence(r, "L1"));
        assertEquals(CheckStatus.NOT_APPLICABLE, r.check("L16").orElseThrow().status());
        assertTrue(r.check("L15").orElseThrow().failed(), "a kernel device name is a warning: " + evidence(r, "L15"));
    }

    @Test
    void theSampleImageWithBootOnItsRootFilesystemPassesEveryCheck() throws Exception {
        VerificationReport r = verify("gen1-ready");
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        assertEquals(List.of(), r.checks().stream().filter(CheckResult::failed).map(CheckResult::id).toList());
        assertTrue(evidence(r, "L12").contains("missing") == false && evidence(r, "L12").contains("read mbr:p1/ext4:/boot/initrd.img-")
                || evidence(r, "L12").contains("read /boot/initrd.img-" + KERNEL), evidence(r, "L12"));
        assertEquals("V1", r.facts().hyperVGeneration().orElseThrow());
    }

    /** Packages dpkg-query -W lists as installed on the chroot the images were made from. */
    static long installedInDpkgQuery() {
        return Fixtures.text("packages/dpkg-query.txt").lines().filter(l -> l.endsWith("\tinstalled")).count();
    }

    static final Set<String> BOOT_CHECKS = Set.of("L11", "L12", "L13", "L15", "L15R", "L16", "L18", "L21");
}
