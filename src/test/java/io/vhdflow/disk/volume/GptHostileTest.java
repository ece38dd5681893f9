package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Ubuntu-shaped GPT fixture, damaged in memory in the ways a hostile image could be. */
class GptHostileTest {
    @TempDir
    Path tmp;
    byte[] d;
    long backupHeader;

    @BeforeEach
    void load() throws Exception {
        d = Files.readAllBytes(Fixtures.extract("volume/gpt-esp-root.img.zst", tmp));
        backupHeader = d.length - 512;
    }

    ByteBuffer le() {
        return ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Recomputes the entry-array CRC and the header CRC of the header at {@code at}, as a careful forger would. */
    void fixCrcs(long at) {
        ByteBuffer b = le();
        int h = (int) at;
        long arrayLba = b.getLong(h + 0x48);
        long count = b.getInt(h + 0x50) & 0xFFFFFFFFL;
        long size = b.getInt(h + 0x54) & 0xFFFFFFFFL;
        if (count * size <= 1 << 20 && arrayLba * 512 + count * size <= d.length) {
            CRC32 c = new CRC32();
            c.update(d, (int) (arrayLba * 512), (int) (count * size));
            b.putInt(h + 0x58, (int) c.getValue());
        }
        b.putInt(h + 0x10, 0);
        CRC32 c = new CRC32();
        c.update(d, h, b.getInt(h + 0x0C));
        b.putInt(h + 0x10, (int) c.getValue());
    }

    DiskLayout open() throws Exception {
        return VolumeSystems.open(new ByteArraySource(d, "gpt.img"));
    }

    List<String> codes(DiskLayout l) {
        return l.findings().stream().map(Finding::code).toList();
    }

    @Test
    void absurdEntryCountFallsBackToTheBackup() throws Exception {
        le().putInt(512 + 0x50, -1);
        fixCrcs(512);
        DiskLayout l = open();
        assertEquals(List.of("gpt.primary-damaged"), codes(l));
        assertEquals(512 + 0x50, l.findings().get(0).offset());
        assertEquals(4, l.partitions().size());
    }

    @Test
    void entrySizeOutOfRangeFallsBackToTheBackup() throws Exception {
        le().putInt(512 + 0x54, 100);
        fixCrcs(512);
        DiskLayout l = open();
        assertEquals(List.of("gpt.primary-damaged"), codes(l));
        assertEquals(512 + 0x54, l.findings().get(0).offset());
    }

    @Test
    void damagedEntryArrayFallsBackToTheBackupArray() throws Exception {
        d[1024 + 0x38] ^= 0x20; // first entry's name, primary array only
        DiskLayout l = open();
        assertEquals(List.of("gpt.primary-damaged"), codes(l));
        assertEquals(1024, l.findings().get(0).offset(), "the primary array's offset");
        assertEquals("cloudimg-rootfs", l.volume("gpt:p1").orElseThrow().name().orElseThrow());
    }

    @Test
    void damagedBackupIsReportedButThePrimaryIsUsed() throws Exception {
        d[(int) backupHeader + 0x40] ^= 1;
        DiskLayout l = open();
        assertEquals(List.of("gpt.backup-damaged"), codes(l));
        assertEquals(backupHeader + 0x10, l.findings().get(0).offset());
    }

    @Test
    void bothHeadersDamagedIsATypedError() throws Exception {
        d[512 + 0x40] ^= 1;
        d[(int) backupHeader + 0x40] ^= 1;
        DiskException e = assertThrows(DiskException.class, this::open);
        assertEquals("GPT", e.structure());
        assertEquals(512 + 0x10, e.offset());
        assertTrue(e.getMessage().contains("backup"), e.getMessage());
    }

    @Test
    void partitionBeyondTheDiskAndOverlapsAreFindings() throws Exception {
        ByteBuffer b = le();
        // Entry 1 (gpt:p1): move far beyond the disk; entry 2 (gpt:p2, swap): overlap the ESP (entry 15).
        b.putLong(1024 + 0x20, 1L << 40);
        b.putLong(1024 + 0x28, (1L << 40) + 10);
        b.putLong(1024 + 128 + 0x20, 10240);
        fixCrcs(512);
        DiskLayout l = open();
        assertTrue(codes(l).contains("gpt.partition-outside-usable"), codes(l).toString());
        assertTrue(codes(l).contains("partition.beyond-disk"), codes(l).toString());
        assertTrue(codes(l).contains("partition.overlap"), codes(l).toString());
        assertTrue(codes(l).contains("gpt.backup-differs"), "the backup array now differs: " + codes(l));
        assertTrue(l.volume("gpt:p1").isEmpty());
    }

    @Test
    void reversedPartitionRangeIsSkipped() throws Exception {
        ByteBuffer b = le();
        b.putLong(1024 + 0x20, 5000);
        b.putLong(1024 + 0x28, 4000);
        fixCrcs(512);
        DiskLayout l = open();
        assertTrue(codes(l).contains("gpt.bad-partition-range"));
        assertTrue(l.volume("gpt:p1").isEmpty());
    }

    @Test
    void gptWithoutAnyMbrIsReadWithAFinding() throws Exception {
        java.util.Arrays.fill(d, 0, 512, (byte) 0);
        DiskLayout l = open();
        assertEquals(PartitionScheme.GPT, l.scheme());
        assertEquals(List.of("gpt.no-protective-mbr"), codes(l));
        assertEquals(4, l.partitions().size());
    }

    @Test
    void staleGptBesideARealMbrIsIgnoredLikeLinuxDoes() throws Exception {
        java.util.Arrays.fill(d, 0x1BE, 0x1FE, (byte) 0);
        MbrHostileTest.entry(d, 0, 0, 0x80, 0x83, 2048, 4096);
        DiskLayout l = open();
        assertEquals(PartitionScheme.MBR, l.scheme());
        assertEquals(List.of("mbr.stale-gpt"), codes(l));
        assertEquals(List.of("mbr:p1"), l.volumes().stream().map(Volume::id).toList());
    }

    @Test
    void hybridMbrIsReported() throws Exception {
        MbrHostileTest.entry(d, 0, 1, 0x80, 0x0C, 10240, 24576);
        DiskLayout l = open();
        assertEquals(PartitionScheme.GPT, l.scheme());
        assertEquals(List.of("gpt.hybrid-mbr"), codes(l));
    }
}
