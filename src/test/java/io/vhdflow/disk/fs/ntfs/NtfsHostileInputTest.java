package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Targeted corruptions of the real fixture: each must fail with a typed error naming structure and byte. */
class NtfsHostileInputTest {

    @TempDir
    static Path tmp;
    static FileByteSource src;
    static NtfsFilesystem clean;

    @BeforeAll
    static void open() throws IOException {
        src = FileByteSource.open(Fixtures.extract("ntfs/ntfs-main.img.zst", tmp));
        clean = NtfsFilesystem.open(src);
    }

    @AfterAll
    static void close() throws IOException {
        src.close();
    }

    static NtfsFile file(String path) throws IOException {
        return clean.record(clean.stat(path).inode());
    }

    static AttributeRecord attr(NtfsFile f, int type) {
        return f.first(type).orElseThrow();
    }

    /** Absolute offset inside an MFT record that is not one of the fixup-protected sector tails. */
    static void assertNotFixupSlot(long abs, long recAbs) {
        long rel = (abs - recAbs) % 512;
        assertTrue(rel < 510, "patch would land on an update sequence slot");
    }

    @Test
    void brokenFixupNamesTheRecordAndTheSectorEnd() throws IOException {
        NtfsFile f = file("/links/original.txt");
        long recAbs = f.base().offset();
        ByteSource bad = new PatchedByteSource(src).patch(recAbs + 1022, (byte) 0x12, (byte) 0x34);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.readString("/links/original.txt", 100));
        assertEquals("NTFS MFT record " + f.number(), e.structure());
        assertEquals(recAbs + 1022, e.offset());
        assertTrue(e.getMessage().contains("update sequence mismatch"), e.getMessage());
    }

    @Test
    void damagedMftRecordZeroIsReadFromTheMirror() throws IOException {
        NtfsBootSector b = clean.bootSector();
        long rec0 = b.mftLcn() * b.clusterSize();
        long rec3 = rec0 + 3L * b.mftRecordSize();
        PatchedByteSource bad = new PatchedByteSource(src).patch(rec0 + 510, (byte) 0xEE, (byte) 0xEE)
                .patch(rec3 + 1022, (byte) 0xEE, (byte) 0xEE);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        assertEquals("VHDFLOW-NTFS", fs.label().orElseThrow());
        assertEquals("original content\n", fs.readString("/links/original.txt", 100));
        assertEquals(2, fs.findings().stream().filter(f -> f.code().equals("ntfs.mft-mirror-used")).count());
        assertEquals(rec0 + 510, fs.findings().get(0).offset());
        // with the mirror damaged as well, the primary error is reported
        long mirror = b.mftMirrLcn() * b.clusterSize();
        DiskException e = assertThrows(DiskException.class,
                () -> NtfsFilesystem.open(new PatchedByteSource(bad).patch(mirror, (byte) 0)));
        assertEquals(rec0 + 510, e.offset());
        assertEquals(1, e.getSuppressed().length);
    }

    @Test
    void brokenFixupInAnIndxBlock() throws IOException {
        NtfsFile dir = file("/bigdir");
        NonResidentData alloc = (NonResidentData) dir.stream(AttributeRecord.INDEX_ALLOCATION, "$I30", src,
                clean.bootSector().clusterSize()).orElseThrow();
        long blockAbs = alloc.physicalOffset(0);
        ByteSource bad = new PatchedByteSource(src).patch(blockAbs + 510, (byte) 0x55, (byte) 0x66);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/bigdir"));
        assertEquals(blockAbs + 510, e.offset());
        assertTrue(e.structure().contains("INDX block VCN 0"), e.structure());
    }

    @Test
    void runlistPointingOutsideTheVolume() throws IOException {
        NtfsFile f = file("/frag/a.bin");
        AttributeRecord d = attr(f, AttributeRecord.DATA);
        byte[] hdr = src.readBytes(d.offset(), 0x40, "test");
        int runOff = Fixups.u16(hdr, 0x20);
        long runAbs = d.offset() + runOff;
        assertNotFixupSlot(runAbs + 6, f.base().offset());
        // one run: length 16 clusters (1 byte), LCN delta 0x7FFFFFF0 (4 bytes), then the terminator
        ByteSource bad = new PatchedByteSource(src).patch(runAbs, (byte) 0x41, (byte) 0x10, (byte) 0xF0, (byte) 0xFF,
                (byte) 0xFF, (byte) 0x7F, (byte) 0);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.newInputStream("/frag/a.bin"));
        assertEquals("NTFS MFT record " + f.number() + " attribute 0x80", e.structure());
        assertEquals(runAbs, e.offset());
        assertTrue(e.getMessage().contains("outside the volume"), e.getMessage());
    }

    @Test
    void attributeLengthBeyondTheRecord() throws IOException {
        NtfsFile f = file("/names/MiXeD-CaSe.TXT");
        AttributeRecord si = attr(f, AttributeRecord.STANDARD_INFORMATION);
        ByteSource bad = new PatchedByteSource(src).patchLE(si.offset() + 4, 0x10000, 4);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.stat("/names/mixed-case.txt"));
        assertEquals("NTFS MFT record " + f.number() + " attribute 0x10", e.structure());
        assertEquals(si.offset() + 4, e.offset());
    }

    @Test
    void hugeDataSizeIsRefusedNotStreamed() throws IOException {
        NtfsFile f = file("/frag/b.bin");
        AttributeRecord d = attr(f, AttributeRecord.DATA);
        ByteSource bad = new PatchedByteSource(src).patchLE(d.offset() + 0x30, 1L << 62, 8);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.stat("/frag/b.bin"));
        assertEquals(d.offset() + 0x30, e.offset());
        assertThrows(DiskException.class, () -> fs.readAllBytes("/frag/b.bin", 1 << 20));
    }

    @Test
    void readAllBytesRefusesFilesAboveTheCap() throws IOException {
        assertThrows(FileTooLargeException.class, () -> clean.readAllBytes("/sparse.bin", 1 << 20));
    }

    @Test
    void indexCycleIsDetected() throws IOException {
        NtfsFile dir = file("/bigdir");
        int cs = clean.bootSector().clusterSize();
        NonResidentData alloc = (NonResidentData) dir.stream(AttributeRecord.INDEX_ALLOCATION, "$I30", src, cs)
                .orElseThrow();
        // the root's first child pointer names the top INDX node; make that node's first child point back to it
        byte[] v = dir.attributes().stream().filter(a -> a.type() == AttributeRecord.INDEX_ROOT).findFirst()
                .orElseThrow().value();
        int p = 0x10 + AttributeRecord.i32(v, 0x10);
        assertTrue((Fixups.u16(v, p + 12) & 1) != 0, "root entry should have a child");
        long top = AttributeRecord.i64(v, p + Fixups.u16(v, p + 8) - 8);
        long blockAbs = alloc.physicalOffset(top * cs);
        byte[] b = new byte[4096];
        alloc.readFully(top * cs, b, 0, b.length, "test");
        Fixups.apply(b, b.length, "test", blockAbs);
        int e = 0x18 + AttributeRecord.i32(b, 0x18);
        int len = Fixups.u16(b, e + 8);
        assertTrue((Fixups.u16(b, e + 12) & 1) != 0, "top node entries should have children");
        long at = blockAbs + e + len - 8;
        assertTrue((at - blockAbs) % 512 < 502, "patch would hit a fixup slot");
        NtfsFilesystem fs = NtfsFilesystem.open(new PatchedByteSource(src).patchLE(at, top, 8));
        DiskException ex = assertThrows(DiskException.class, () -> fs.list("/bigdir"));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
        // a lookup that descends through the looping pointer stops too
        ex = assertThrows(DiskException.class, () -> fs.stat("/bigdir/a-name-before-everything"));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
    }

    @Test
    void indexEntryLengthBeyondTheNode() throws IOException {
        NtfsFile dir = file("/bigdir");
        NonResidentData alloc = (NonResidentData) dir.stream(AttributeRecord.INDEX_ALLOCATION, "$I30", src,
                clean.bootSector().clusterSize()).orElseThrow();
        long blockAbs = alloc.physicalOffset(0);
        byte[] b = src.readBytes(blockAbs, 64, "test");
        long firstEntry = blockAbs + 0x18 + AttributeRecord.i32(b, 0x18);
        ByteSource bad = new PatchedByteSource(src).patchLE(firstEntry + 8, 0xFFF0, 2);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/bigdir"));
        assertEquals(firstEntry, e.offset());
    }

    @Test
    void indexRootEntryErrorsNameTheirAbsoluteOffset() throws IOException {
        NtfsFile dir = file("/names");
        AttributeRecord root = dir.attributes().stream()
                .filter(a -> a.type() == AttributeRecord.INDEX_ROOT).findFirst().orElseThrow();
        long entryAbs = root.valueOffset() + 0x10 + AttributeRecord.i32(root.value(), 0x10);
        assertEquals(src.readBytes(entryAbs, 8, "t")[0], root.value()[0x10 + AttributeRecord.i32(root.value(), 0x10)]);
        NtfsFilesystem fs = NtfsFilesystem.open(new PatchedByteSource(src).patchLE(entryAbs + 8, 0x0F, 2));
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/names"));
        assertEquals(entryAbs, e.offset());
        assertEquals("NTFS MFT record " + dir.number() + " attribute 0x90", e.structure());
    }

    @Test
    void corruptCompressedDataIsATypedError() throws IOException {
        NtfsFile f = file("/compressed/text.txt");
        NonResidentData d = (NonResidentData) f.stream(AttributeRecord.DATA, "", src, clean.bootSector().clusterSize())
                .orElseThrow();
        long abs = d.physicalOffset(0);
        // chunk header claiming a compressed chunk of 4096 bytes filled with back references to nowhere
        PatchedByteSource bad = new PatchedByteSource(src).patch(abs, (byte) 0xFF, (byte) 0xBF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF);
        NtfsFilesystem fs = NtfsFilesystem.open(bad);
        DiskException e = assertThrows(DiskException.class, () -> {
            try (InputStream in = fs.newInputStream("/compressed/text.txt")) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("LZNT1"), e.getMessage());
    }

    @Test
    void bootSectorValidation() throws IOException {
        assertThrows(DiskException.class, () -> NtfsFilesystem.open(new PatchedByteSource(src).patch(0x0B, (byte) 0, (byte) 3)));
        assertThrows(DiskException.class, () -> NtfsFilesystem.open(new PatchedByteSource(src).patch(0x0D, (byte) 0x03)));
        assertThrows(DiskException.class, () -> NtfsFilesystem.open(new PatchedByteSource(src).patch(0x40, (byte) 0x7F)));
        assertThrows(DiskException.class, () -> NtfsFilesystem.open(new PatchedByteSource(src).patchLE(0x30, 1L << 40, 8)));
        DiskException e = assertThrows(DiskException.class,
                () -> NtfsFilesystem.open(new PatchedByteSource(src).patchLE(0x28, 1L << 40, 8)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // the negative-exponent cluster encoding: 0xF4 = 2^12 sectors = 2 MiB clusters is accepted by the decoder
        NtfsFilesystem.probe(new PatchedByteSource(src).patch(0x0D, (byte) 0xF4));
    }

    @Test
    void negativeExponentClusterSizeDecodes() throws IOException {
        // 512-byte sectors, 0xF9 = 2^7 = 128 sectors: same 64 KiB as 0x80; total sectors and MFT LCN adjusted
        ByteSource patched = new PatchedByteSource(src).patch(0x0D, (byte) 0xF9);
        NtfsBootSector b = NtfsBootSector.read(new PatchedByteSource(patched).patchLE(0x30, 0, 8));
        assertEquals(65536, b.clusterSize());
    }
}
