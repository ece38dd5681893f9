package io.vhdflow.inspect;

import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 22 item 9: damage the generalized Debian images the verdict READY is known for
 * (LinuxVerificationTest) in the partition table or in ext4 metadata a check reads, and the image
 * must never be reported ready: the table's damage fails G9, a checksum failure makes the check
 * that read the structure, and G10, "cannot determine", naming the structure and its offset.
 */
class DamagedMetadataVerdictTest {
    /** ext4-mbr-generalized: a 64 MiB fixed VHD, p1 at sector 2048 (fixtures/linux-images/MANIFEST.md). */
    private static final long P1 = 2048L * 512;
    private static final long MBR_ENTRY_1 = 0x1BE;
    private static final long MBR_ENTRY_2 = 0x1CE;

    @TempDir
    Path dir;

    private Path image(String name) {
        return Fixtures.extract("linux-images/" + name + ".vhd.zst", dir);
    }

    private static VerificationReport verify(Path image) throws IOException {
        // The generalization fixtures carry no kernel: their boot checks are left out (Fixtures.generalizationChecks).
        return new VerificationService(Fixtures.generalizationChecks()).verify(image, "azure-platform");
    }

    private static void patchLE(Path file, long at, long value, int bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            for (int i = 0; i < bytes; i++) {
                f.write((int) (value >>> (8 * i)));
            }
        }
    }

    private static ByteBuffer read(Path file, long at, int n) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[n];
            f.seek(at);
            f.readFully(b);
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    void theUndamagedImageIsReadyAndItsTableConsistent() throws IOException {
        VerificationReport r = verify(image("ext4-mbr-generalized"));
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        assertEquals(CheckStatus.PASS, r.check("G9").orElseThrow().status());
        assertEquals(CheckStatus.PASS, r.check("G10").orElseThrow().status());
        assertTrue(r.check("G10").orElseThrow().evidence().get(0).contains("mbr:p1/ext4"));
    }

    @Test
    void aPartitionRunningTwoTiBPastTheEndOfA64MiBDiskIsNotReady() throws IOException {
        Path img = image("ext4-mbr-generalized");
        patchLE(img, MBR_ENTRY_1 + 12, 0xFFFFFFFFL, 4);  // sector count: 2 TiB
        VerificationReport r = verify(img);
        assertNotEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        CheckResult g9 = r.check("G9").orElseThrow();
        assertEquals(CheckStatus.FAIL, g9.status());
        assertTrue(g9.evidence().get(0).startsWith("partition.truncated at byte " + MBR_ENTRY_1), g9.evidence().toString());
        assertTrue(r.blocking().contains("G9"), r.blocking().toString());
    }

    @Test
    void overlappingPartitionsAreNotReady() throws IOException {
        Path img = image("ext4-mbr-generalized");
        patchLE(img, MBR_ENTRY_2 + 4, 0x83, 1);
        patchLE(img, MBR_ENTRY_2 + 8, 4096, 4);   // inside p1 (sectors 2048..131071)
        patchLE(img, MBR_ENTRY_2 + 12, 2048, 4);
        VerificationReport r = verify(img);
        assertNotEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        CheckResult g9 = r.check("G9").orElseThrow();
        assertEquals(CheckStatus.FAIL, g9.status());
        assertTrue(g9.evidence().get(0).startsWith("partition.overlap"), g9.evidence().toString());
    }

    @Test
    void aGptBackupHeaderThatDisagreesWithThePrimaryIsNotReady() throws IOException {
        Path img = image("xfs-lvm-gpt-generalized");
        long backupHeader = Files.size(img) - 512 - 512;  // last LBA of the disk, before the VHD footer
        assertEquals("EFI PART", new String(read(img, backupHeader, 8).array(), java.nio.charset.StandardCharsets.US_ASCII));
        patchLE(img, backupHeader + 0x38, read(img, backupHeader + 0x38, 1).get(0) ^ 0x01, 1);  // disk GUID
        VerificationReport r = verify(img);
        assertNotEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        CheckResult g9 = r.check("G9").orElseThrow();
        assertEquals(CheckStatus.FAIL, g9.status());
        assertTrue(g9.evidence().get(0).startsWith("gpt.backup-damaged"), g9.evidence().toString());
    }

    @Test
    void anExt4InodeFailingItsChecksumMakesTheCheckThatReadsItCannotDetermine() throws IOException {
        Path img = image("ext4-mbr-generalized");
        // /var/lib/waagent is inode 82 (the fixture's debugfs listing), read by L1. Block size 1024,
        // first data block 1: the group descriptors start at block 2; bg_inode_table_lo at 0x08.
        int inodeSize = 256;
        long inodeTable = Integer.toUnsignedLong(read(img, P1 + 2 * 1024 + 0x08, 4).getInt());
        long inode = P1 + inodeTable * 1024 + (82 - 1) * (long) inodeSize;
        assertEquals(040700, read(img, inode, 2).getShort() & 0xFFFF, "i_mode of /var/lib/waagent");
        patchLE(img, inode + 0x10, read(img, inode + 0x10, 1).get(0) ^ 0x01, 1);  // i_mtime: only the checksum notices
        VerificationReport r = verify(img);
        assertEquals(Verdict.CANNOT_DETERMINE, r.verdict(), r.reasons().toString());
        long inVolume = inode - P1;
        CheckResult l1 = r.check("L1").orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, l1.status(), l1.toString());
        assertTrue(String.join("\n", l1.evidence()).contains("ext4 inode 82 at byte " + inVolume), l1.evidence().toString());
        CheckResult g10 = r.check("G10").orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, g10.status());
        assertTrue(g10.evidence().get(0).startsWith("mbr:p1/ext4: ext4 inode 82 checksum mismatch"), g10.evidence().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.code().equals("ext4.checksum-mismatch") && f.offset() == inVolume),
                r.findings().toString());
    }

    /**
     * Found by bench/fuzz.sh (a mutant still "ready"): an inode whose i_extra_isize runs past the
     * inode fails a bound, not a checksum, and only a warning check (L6B) read it. The check could
     * not run, yet nothing else knew: now the filesystem remembers the damaged structure and G10
     * keeps the verdict at "cannot determine".
     */
    @Test
    void anExt4InodeFieldOutOfBoundsMetOnlyByAWarningCheckIsCannotDetermine() throws IOException {
        Path img = image("ext4-mbr-generalized");
        int inodeSize = 256;
        long inodeTable = Integer.toUnsignedLong(read(img, P1 + 2 * 1024 + 0x08, 4).getInt());
        long inode = P1 + inodeTable * 1024 + (29 - 1) * (long) inodeSize;
        patchLE(img, inode + 0x80, 47, 2);  // i_extra_isize: odd, so no 256-byte inode holds it
        VerificationReport r = verify(img);
        assertEquals(Verdict.CANNOT_DETERMINE, r.verdict(), r.reasons().toString());
        CheckResult g10 = r.check("G10").orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, g10.status(), g10.toString());
        long field = inode + 0x80 - P1;  // the reader names the field's byte in the volume
        assertTrue(g10.evidence().get(0).startsWith("mbr:p1/ext4: ext4 inode 29 at byte " + field + ": i_extra_isize 47"),
                g10.evidence().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.code().equals("ext4.damaged-structure")
                && f.offset() == field), r.findings().toString());
    }

    /**
     * Found by bench/fuzz.sh: a GPT disk whose sector 0 lost its 0x55AA signature (so no protective
     * MBR) was reported with a finding and still "ready"; UEFI firmware (Hyper-V Gen2's included)
     * does not read the GPT of such a disk, so G9 fails it.
     */
    @Test
    void aGptDiskWithoutItsProtectiveMbrIsNotReady() throws IOException {
        Path img = image("xfs-lvm-gpt-generalized");
        assertEquals(0x55, read(img, 0x1FE, 1).get(0) & 0xFF, "the MBR's boot signature");
        patchLE(img, 0x1FE, 0x00, 1);
        VerificationReport r = verify(img);
        assertEquals(Verdict.NOT_READY, r.verdict(), r.reasons().toString());
        CheckResult g9 = r.check("G9").orElseThrow();
        assertEquals(CheckStatus.FAIL, g9.status());
        assertTrue(g9.evidence().get(0).startsWith("gpt.no-protective-mbr at byte 0"), g9.evidence().toString());
    }

    /**
     * A btrfs root whose primary superblock fails its checksum reads fine from the mirror at 64 MiB,
     * but Linux mounts btrfs from the primary only: the image would not boot. G10 counts the mirror
     * read as damage (it was a finding alone before).
     */
    @Test
    void aBtrfsRootReadFromItsSuperblockMirrorIsCannotDetermine() throws IOException {
        Path img = Fixtures.extract("linux-families/btrfs-gpt-suse-generalized.vhd.zst", dir);
        long root = 34816L * 512;  // p2 (the fixture's .txt listing)
        long superblock = root + 0x10000;
        assertEquals("_BHRfS_M", new String(read(img, superblock + 0x40, 8).array(), java.nio.charset.StandardCharsets.US_ASCII));
        VerificationService service = new VerificationService(LinuxFamiliesVerificationTest.FAMILY_CHECKS);
        assertEquals(Verdict.READY, service.verify(img, "azure-platform").verdict(), "undamaged");
        patchLE(img, superblock + 0x200, read(img, superblock + 0x200, 1).get(0) ^ 0x01, 1);
        VerificationReport r = service.verify(img, "azure-platform");
        assertEquals(Verdict.CANNOT_DETERMINE, r.verdict(), r.reasons().toString());
        CheckResult g10 = r.check("G10").orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, g10.status(), g10.toString());
        assertTrue(g10.evidence().get(0).startsWith("gpt:p2/btrfs: the primary superblock"), g10.evidence().toString());
    }
}
