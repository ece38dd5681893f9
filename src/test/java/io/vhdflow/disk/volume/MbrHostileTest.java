package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteArraySource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crafted MBR layouts that a hostile or damaged image could carry. */
class MbrHostileTest {
    static final int SECTORS = 16384; // 8 MiB

    static byte[] disk() {
        byte[] d = new byte[SECTORS * 512];
        d[510] = 0x55;
        d[511] = (byte) 0xAA;
        return d;
    }

    /** Writes a 16-byte entry into the boot record at sector {@code sector}, slot 0..3. */
    static void entry(byte[] d, long sector, int slot, int status, int type, long lba, long count) {
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) (sector * 512 + 0x1BE + slot * 16);
        b.put(at, (byte) status);
        b.put(at + 4, (byte) type);
        b.putInt(at + 8, (int) lba);
        b.putInt(at + 12, (int) count);
        b.put((int) (sector * 512 + 510), (byte) 0x55);
        b.put((int) (sector * 512 + 511), (byte) 0xAA);
    }

    static DiskLayout open(byte[] d) throws Exception {
        return VolumeSystems.open(new ByteArraySource(d, "crafted.img"));
    }

    static List<String> codes(DiskLayout l) {
        return l.findings().stream().map(Finding::code).toList();
    }

    @Test
    void partitionBeyondTheDiskIsDroppedAndOverhangingOneIsCut() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0x80, 0x83, 2048, 2048);
        entry(d, 0, 1, 0, 0x83, 100_000, 2048);
        entry(d, 0, 2, 0, 0x07, 8192, 100_000);
        DiskLayout l = open(d);
        assertEquals(List.of("mbr:p1", "mbr:p3"), l.volumes().stream().map(Volume::id).toList());
        assertEquals(List.of("partition.beyond-disk", "partition.truncated"), codes(l));
        assertEquals(0x1BE + 16, l.findings().get(0).offset(), "names the entry's byte offset");
        assertEquals((SECTORS - 8192) * 512L, l.volume("mbr:p3").orElseThrow().source().size());
    }

    @Test
    void overlappingPartitionsAreReported() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0, 0x83, 2048, 4096);
        entry(d, 0, 1, 0, 0x82, 4096, 4096);
        DiskLayout l = open(d);
        assertEquals(List.of("partition.overlap"), codes(l));
        assertEquals(4096 * 512L, l.findings().get(0).offset());
    }

    @Test
    void ebrCycleStopsTheChain() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0, 0x05, 2048, 8192);
        entry(d, 2048, 0, 0, 0x83, 64, 100);   // logical 5
        entry(d, 2048, 1, 0, 0x05, 1024, 512); // next EBR at 2048 + 1024
        entry(d, 3072, 0, 0, 0x83, 64, 100);   // logical 6
        entry(d, 3072, 1, 0, 0x05, 0, 512);    // back to the first EBR
        DiskLayout l = open(d);
        assertEquals(List.of("mbr:p1", "mbr:p5", "mbr:p6"), l.volumes().stream().map(Volume::id).toList());
        assertEquals(List.of("mbr.ebr-cycle"), codes(l));
        assertEquals(2048 * 512L, l.findings().get(0).offset());
    }

    @Test
    void endlessEbrChainIsCut() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0, 0x0F, 2, SECTORS - 2);
        for (int i = 0; i < 400; i++) {
            long ebr = 2 + 4L * i;
            entry(d, ebr, 0, 0, 0x83, 1, 2);
            entry(d, ebr, 1, 0, 0x05, 4L * (i + 1), 4);
        }
        DiskLayout l = open(d);
        assertEquals(MasterBootRecord.MAX_LOGICAL, l.volumes().size() - 1);
        assertEquals(List.of("mbr.ebr-too-many"), codes(l));
    }

    @Test
    void ebrPointingOutsideTheExtendedPartitionStopsTheChain() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0, 0x05, 2048, 1024);
        entry(d, 2048, 0, 0, 0x83, 64, 100);
        entry(d, 2048, 1, 0, 0x05, 5000, 16);
        DiskLayout l = open(d);
        assertEquals(List.of("mbr.ebr-outside-extended"), codes(l));
        assertEquals(2, l.volumes().size());
    }

    @Test
    void invalidStatusBytesMeanNoMbr() throws Exception {
        byte[] d = disk();
        entry(d, 0, 0, 0x42, 0x83, 2048, 2048);
        DiskLayout l = open(d);
        assertEquals(PartitionScheme.NONE, l.scheme());
        assertFalse(MasterBootRecord.probe(new ByteArraySource(d, "x")));
    }

    @Test
    void tinyDiskIsAWholeDiskVolume() throws Exception {
        DiskLayout l = open(new byte[100]);
        assertEquals(PartitionScheme.NONE, l.scheme());
        assertTrue(l.volume("disk").isPresent());
    }
}
