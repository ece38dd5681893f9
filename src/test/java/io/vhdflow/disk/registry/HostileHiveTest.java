package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged hives, one field at a time: each must fail with a typed error naming the structure and byte. */
class HostileHiveTest {

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Hive open(byte[] b) throws IOException {
        return Hive.open(new ByteArraySource(b, "hostile"));
    }

    private static DiskException fails(Executable e, String structurePrefix, long offset) {
        DiskException x = assertThrows(DiskException.class, e);
        assertTrue(x.structure().startsWith(structurePrefix), x.getMessage());
        assertEquals(offset, x.offset(), x.getMessage());
        return x;
    }

    /** Absolute offset of the nk cell (its size field) of {@code path} in {@code fixture}. */
    private static long nk(String fixture, String path) throws IOException {
        return Hive.open(HiveFixtures.source(fixture)).key(path).orElseThrow().offset();
    }

    @Test
    void rootCellOutsideTheHive() {
        byte[] b = HiveFixtures.bytes("software.hive");
        le(b).putInt(36, 0x7FFFFFF8);
        DirtyHiveTest.fixChecksum(b);
        fails(() -> open(b), "regf nk cell at 0x", 4096L + 0x7FFFFFF8);
    }

    @Test
    void keyNameLongerThanItsCell() throws IOException {
        long at = nk("software.hive", "Microsoft\\Windows NT\\CurrentVersion");
        byte[] b = HiveFixtures.bytes("software.hive");
        le(b).putShort((int) at + 4 + 72, (short) 0xFFFF);
        DiskException x = fails(() -> open(b).key("Microsoft\\Windows NT\\CurrentVersion"),
                "regf nk cell at 0x" + Long.toHexString(at), at + 4 + 72);
        assertTrue(x.getMessage().contains("longer than the cell"), x.getMessage());
    }

    @Test
    void indexRootPointingToItselfIsRefusedNotFollowed() throws IOException {
        long at = nk("test.hive", "Many");
        byte[] b = HiveFixtures.bytes("test.hive");
        long list = 4096L + Integer.toUnsignedLong(le(b).getInt((int) at + 4 + 28));
        // Turn the lh list into an index root whose only element is the list itself: a loop.
        b[(int) list + 4] = 'r';
        b[(int) list + 5] = 'i';
        le(b).putShort((int) list + 6, (short) 1);
        le(b).putInt((int) list + 8, (int) (list - 4096));
        Hive h = open(b);
        RegistryKey many = h.key("Many").orElseThrow();
        DiskException x = fails(many::subkeys, "regf subkey list at 0x", list + 4);
        assertTrue(x.getMessage().contains("index root"), x.getMessage());
        assertThrows(DiskException.class, () -> many.subkey("Key0001"));
    }

    @Test
    void absurdSubkeyCount() throws IOException {
        long at = nk("test.hive", "Many");
        byte[] b = HiveFixtures.bytes("test.hive");
        le(b).putInt((int) at + 4 + 20, 0xFFFFFFF0);
        RegistryKey many = open(b).key("Many").orElseThrow();
        DiskException x = assertThrows(DiskException.class, many::subkeys);
        assertTrue(x.getMessage().contains("1500 subkeys but its key node says 4294967280"), x.getMessage());
        le(b).putInt((int) at + 4 + 20, 3);                 // fewer than listed
        RegistryKey few = open(b).key("Many").orElseThrow();
        assertTrue(assertThrows(DiskException.class, few::subkeys).getMessage().contains("more subkeys"));
    }

    @Test
    void absurdValueCount() throws IOException {
        long at = nk("software.hive", "Microsoft\\Windows NT\\CurrentVersion");
        byte[] b = HiveFixtures.bytes("software.hive");
        le(b).putInt((int) at + 4 + 36, 0x7FFFFFFF);
        RegistryKey k = open(b).key("Microsoft\\Windows NT\\CurrentVersion").orElseThrow();
        DiskException x = assertThrows(DiskException.class, k::values);
        assertTrue(x.structure().startsWith("regf value list at 0x"), x.getMessage());
    }

    @Test
    void valueDataBeyondItsCell() throws IOException {
        RegistryValue v = Hive.open(HiveFixtures.source("test.hive")).key("Big").orElseThrow()
                .value("Blob40000").orElseThrow();
        byte[] b = HiveFixtures.bytes("test.hive");
        le(b).putInt((int) v.offset() + 4 + 4, 0x00100000);          // 1 MiB, cell holds 40000
        RegistryValue bad = open(b).key("Big").orElseThrow().value("Blob40000").orElseThrow();
        DiskException x = assertThrows(DiskException.class, bad::asBytes);
        assertTrue(x.structure().startsWith("regf value data cell at 0x"), x.getMessage());
        le(b).putInt((int) v.offset() + 4 + 4, 0x7FFFFFFF);          // 2 GiB: refused before any read
        RegistryValue huge = open(b).key("Big").orElseThrow().value("Blob40000").orElseThrow();
        fails(huge::asBytes, "regf vk cell at 0x" + Long.toHexString(v.offset()), v.offset() + 8);
        le(b).putInt((int) v.offset() + 4 + 4, 0x80000008);          // inline, but 8 bytes
        fails(() -> open(b).key("Big").orElseThrow().value("Blob40000"),
                "regf vk cell at 0x" + Long.toHexString(v.offset()), v.offset() + 4 + 4);
        le(b).putInt((int) v.offset() + 4 + 4, 40000);
        le(b).putInt((int) v.offset() + 4 + 8, 0x13);                // data offset not 8-aligned
        RegistryValue misaligned = open(b).key("Big").orElseThrow().value("Blob40000").orElseThrow();
        fails(misaligned::asBytes, "regf value data cell at 0x", 4096 + 0x13);
    }

    @Test
    void bigDataSegmentCountAndListOutOfRange() throws IOException {
        byte[] raw = HiveFixtures.bytes("amcache.hve");
        int db = find(raw, "db");
        assertTrue(db > 0);
        byte[] b = raw.clone();
        le(b).putShort(db + 6, (short) 1);                           // too few segments for the size
        DiskException x = assertThrows(DiskException.class, () -> readAll(open(b)));
        assertEquals(db, x.offset() - 6, x.getMessage());
        assertTrue(x.getMessage().contains("segments cannot hold"), x.getMessage());
        byte[] c = raw.clone();
        le(c).putInt(db + 8, 0x7FFFFFF0);                            // segment list outside the hive
        DiskException y = assertThrows(DiskException.class, () -> readAll(open(c)));
        assertTrue(y.structure().startsWith("regf db segment list"), y.getMessage());
        byte[] d = raw.clone();
        le(d).putShort(db + 6, (short) 0xFFFF);                      // more segments than the list holds
        DiskException z = assertThrows(DiskException.class, () -> readAll(open(d)));
        assertTrue(z.getMessage().contains("do not fit"), z.getMessage());
    }

    @Test
    void badHiveBins() {
        byte[] b = HiveFixtures.bytes("test.hive");
        int second = 4096 + le(b).getInt(4096 + 8);
        byte[] sig = b.clone();
        sig[second] = 'X';
        fails(() -> open(sig), "regf hbin at 0x" + Integer.toHexString(second), second);
        byte[] size = b.clone();
        le(size).putInt(second + 8, 0);
        fails(() -> open(size), "regf hbin at 0x", second + 8);
        byte[] self = b.clone();
        le(self).putInt(second + 4, 0);
        fails(() -> open(self), "regf hbin at 0x", second + 4);
    }

    @Test
    void truncatedHiveAndHugeClaimedSize() {
        byte[] b = HiveFixtures.bytes("system.hive");
        byte[] cut = Arrays.copyOf(b, 6000);
        DiskException x = assertThrows(DiskException.class, () -> open(cut));
        assertTrue(x.getMessage().contains("truncated") || x.getMessage().contains("beyond"), x.getMessage());
        byte[] huge = b.clone();
        le(huge).putInt(40, 0xFFFFF000);                             // 4 GiB of hive bins claimed
        DirtyHiveTest.fixChecksum(huge);
        DiskException y = assertThrows(DiskException.class, () -> open(huge));
        assertTrue(y.getMessage().contains("truncated"), y.getMessage());
        assertThrows(DiskException.class, () -> open(new byte[100]));
        byte[] notRegf = b.clone();
        notRegf[0] = 'x';
        fails(() -> open(notRegf), "regf base block", 0);
    }

    @Test
    void freeOrOversizedCellReferencedAsInUse() throws IOException {
        long at = nk("system.hive", "Select");
        byte[] b = HiveFixtures.bytes("system.hive");
        int size = le(b).getInt((int) at);
        le(b).putInt((int) at, -size);                               // now "free"
        DiskException x = fails(() -> open(b).key("Select"), "regf nk cell at 0x" + Long.toHexString(at), at);
        assertTrue(x.getMessage().contains("free"), x.getMessage());
        le(b).putInt((int) at, 0x80000008);                          // -2 GiB: past its bin
        assertTrue(fails(() -> open(b).key("Select"), "regf nk cell", at).getMessage().contains("past the end"));
    }

    @Test
    void controlSetNumberOutOfRange() throws IOException {
        RegistryValue current = Hive.open(HiveFixtures.source("system.hive")).key("Select").orElseThrow()
                .value("Current").orElseThrow();
        byte[] b = HiveFixtures.bytes("system.hive");
        le(b).putInt((int) current.offset() + 4 + 8, 5000);          // inline DWORD data
        fails(() -> open(b).currentControlSet(), "regf vk cell", current.offset());
    }

    @Test
    void damagedLogEntriesAreSkippedWithFindings() throws IOException {
        byte[] log = HiveFixtures.bytes("system-dirty.LOG1");
        // First entry (the stale S-1 one) at 512: claim a page far outside the hive.
        int pageRef = 512 + 40;
        le(log).putInt(pageRef, 0x7FFFF000);
        Hive h = Hive.open(HiveFixtures.source("system-dirty"), List.of(new ByteArraySource(log, "LOG1")));
        // The hash no longer matches, so nothing from this log applies; the hive reads as on disk.
        assertFalse(h.recovered());
        assertTrue(h.findings().stream().map(Finding::code).anyMatch("regf.log-entry-bad"::equals), h.findings().toString());
        byte[] big = HiveFixtures.bytes("system-dirty.LOG1");
        le(big).putInt(512 + 4, 0x7FFFFE00);                          // entry size beyond the file
        Hive g = Hive.open(HiveFixtures.source("system-dirty"), List.of(new ByteArraySource(big, "LOG1")));
        assertFalse(g.recovered());
        byte[] badBase = HiveFixtures.bytes("system-dirty.LOG1");
        badBase[100] ^= 1;                                           // log base block checksum
        Hive f = Hive.open(HiveFixtures.source("system-dirty"), List.of(new ByteArraySource(badBase, "LOG1")));
        assertTrue(f.findings().stream().anyMatch(x -> x.code().equals("regf.log-unusable") && x.offset() == 508));
    }

    /** Offset of the first allocated cell whose data starts with {@code sig}, or -1. */
    static int find(byte[] hive, String sig) {
        ByteBuffer b = le(hive);
        int end = 4096 + b.getInt(40);
        for (int off = 4096; off < end; off += b.getInt(off + 8)) {
            for (int p = off + 32; p < off + b.getInt(off + 8); p += Math.abs(b.getInt(p))) {
                if (b.getInt(p) < 0 && hive[p + 4] == sig.charAt(0) && hive[p + 5] == sig.charAt(1)) {
                    return p;
                }
            }
        }
        return -1;
    }

    static void readAll(Hive h) throws IOException {
        RegExport.walk(h);
    }
}
