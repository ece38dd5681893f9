package io.vhdflow.inspect;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * G11 on the Generation 1 fixture whose BIOS boot code Debian's grub-bios-setup wrote
 * (fixtures/bios-grub.sh): GRUB 2's boot.img in sector 0, core.img in sectors 1-106 before the
 * first partition at 2048. Damaged the ways disks lose it: no boot code at all (no boot loader
 * installed), the gap wiped, boot.img pointing into a partition, the core image's rest gone.
 */
class BiosBootCheckTest {
    @TempDir
    Path dir;

    private VerificationReport verify(String image, PatchEdit edit) throws IOException {
        Path vhd = Fixtures.extract("linux-boot/" + image + ".vhd.zst", dir);
        PatchedByteSource p = new PatchedByteSource(FileByteSource.open(vhd));
        edit.apply(p);
        return new VerificationService().verify(p, vhd, "azure-platform", Set.of());
    }

    @FunctionalInterface
    private interface PatchEdit {
        void apply(PatchedByteSource p) throws IOException;
    }

    private static void zero(PatchedByteSource p, long from, int n) {
        p.patch(from, new byte[n]);
    }

    private static String evidence(VerificationReport r) {
        return String.join("\n", r.check("G11").orElseThrow().evidence());
    }

    @Test
    void grubsBootCodeAndItsCoreImageBeforeTheFirstPartitionPass() throws IOException {
        VerificationReport r = verify("gen1-ready", p -> { });
        assertEquals(CheckStatus.PASS, r.check("G11").orElseThrow().status(), evidence(r));
        assertEquals("sector 0: GRUB 2 boot.img; core image at sectors 1-106 (106 sectors, before the first partition), "
                + "boot scheme BIOS_MBR", evidence(r));
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
    }

    @Test
    void noBootCodeAtAllIsNotReady() throws IOException {
        VerificationReport r = verify("gen1-ready", p -> zero(p, 0, 440));
        CheckResult g11 = r.check("G11").orElseThrow();
        assertEquals(CheckStatus.FAIL, g11.status());
        assertEquals(Category.BOOT, g11.category());
        assertTrue(evidence(r).startsWith("sector 0 holds no boot code (bytes 0-439 are all zero), boot scheme BIOS_MBR: "
                + "a Generation 1 VM's BIOS has nothing to start"), evidence(r));
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(r.blocking().contains("G11"), r.blocking().toString());
    }

    @Test
    void aWipedGapLeavesBootImgPointingAtNothing() throws IOException {
        VerificationReport r = verify("gen1-ready", p -> zero(p, 512, 106 * 512));
        assertEquals(CheckStatus.FAIL, r.check("G11").orElseThrow().status());
        assertTrue(evidence(r).contains("loads its core image from sector 1, which does not hold GRUB's diskboot.img"),
                evidence(r));
    }

    @Test
    void aCoreImageSectorInsideAPartitionThatHoldsItsDataIsNotReady() throws IOException {
        VerificationReport r = verify("gen1-ready", p -> p.patchLE(0x5C, 4096, 8));
        assertEquals(CheckStatus.FAIL, r.check("G11").orElseThrow().status());
        assertTrue(evidence(r).contains("from sector 4096, which lies in partition mbr:p1 (Linux) and holds its data, "
                + "not GRUB's diskboot.img"), evidence(r));
    }

    @Test
    void aBlocklistInstallInsideAPartitionIsTold() throws IOException {
        // SYNTHETIC: diskboot.img copied to sector 130000, near the end of p1 where the filesystem keeps
        // nothing, and boot.img pointed there, as grub-install --force leaves a core.img file.
        Path vhd = Fixtures.extract("linux-boot/gen1-ready.vhd.zst", dir);
        byte[] diskboot;
        try (FileByteSource f = FileByteSource.open(vhd)) {
            diskboot = f.readBytes(512, 512, "diskboot.img");
        }
        VerificationReport r = verify("gen1-ready", p -> {
            p.patchLE(0x5C, 130000, 8);
            p.patch(130000L * 512, diskboot);
        });
        assertEquals(CheckStatus.PASS, r.check("G11").orElseThrow().status(), evidence(r));
        assertTrue(evidence(r).contains("starts at sector 130000, inside partition mbr:p1: installed by blocklist"),
                evidence(r));
    }

    @Test
    void theRestOfTheCoreImageGoneIsNotReady() throws IOException {
        VerificationReport r = verify("gen1-ready", p -> zero(p, 2 * 512, 105 * 512));
        assertEquals(CheckStatus.FAIL, r.check("G11").orElseThrow().status());
        assertTrue(evidence(r).contains("diskboot.img at sector 1 loads sectors 2-106, which hold nothing"), evidence(r));
    }

    @Test
    void aBlocklistLongerThanTheCoreImageIsNotReady() throws IOException {
        // Found by bench/fuzz.sh: the length 105 damaged to 221 still passed.
        VerificationReport r = verify("gen1-ready", p -> p.patchLE(512 + 0x1FC, 221, 2));
        assertEquals(CheckStatus.FAIL, r.check("G11").orElseThrow().status());
        assertTrue(evidence(r).contains("loads sectors 2-222, which end in an empty sector (222)"), evidence(r));
    }

    @Test
    void aBlocklistShorterThanTheCompressedCoreIsNotReady() throws IOException {
        // Found by bench/fuzz.sh: the length 105 damaged to 21 (the last sector loaded still holds data).
        VerificationReport r = verify("gen1-ready", p -> p.patchLE(512 + 0x1FC, 21, 2));
        assertEquals(CheckStatus.FAIL, r.check("G11").orElseThrow().status());
        assertTrue(evidence(r).contains("loads 21 sectors (10752 bytes) of a core image whose compressed part alone is "
                + "23662 bytes"), evidence(r));
    }

    @Test
    void aUefiDiskIsNotJudgedBySector0() throws IOException {
        VerificationReport r = verify("gen2-lvm-ready", p -> { });
        assertEquals(CheckStatus.NOT_APPLICABLE, r.check("G11").orElseThrow().status(), evidence(r));
    }

    @Test
    void otherBootCodeIsNamedAndPasses() throws IOException {
        Path vhd = Fixtures.extract("windows/gen1.vhd.zst", dir);
        VerificationReport r = new VerificationService().verify(vhd, "azure-platform");
        assertEquals(CheckStatus.PASS, r.check("G11").orElseThrow().status(), evidence(r));
        assertTrue(evidence(r).startsWith("sector 0: SYSLINUX MBR boot code ("), evidence(r));
    }
}
