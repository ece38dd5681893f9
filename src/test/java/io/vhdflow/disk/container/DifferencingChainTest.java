package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long chains, built from the fixture grandchild by re-pointing copies at each other. */
class DifferencingChainTest {

    /**
     * Builds {@code levels} differencing disks above diff-rel.vhd: each a copy of diff-grandchild
     * (whose W2ru locator is ".\diff-rel.vhd", 14 UTF-16 characters) renamed and re-pointed at
     * the previous level ".\d-NNNNNN.vhd" (also 14 characters), with a fresh unique id and the
     * parent's id in its header. Returns the top.
     */
    static Path chain(Path dir, int levels) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        Path parent = VhdFixtures.extract("diff-rel.vhd", dir);
        Path template = VhdFixtures.extract("diff-grandchild.vhd", dir);
        byte[] loc = ".\\diff-rel.vhd".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        for (int i = 1; i <= levels; i++) {
            Path child = dir.resolve(String.format("d-%06d.vhd", i));
            Files.copy(template, child, StandardCopyOption.REPLACE_EXISTING);
            byte[] b = Files.readAllBytes(child);
            ByteBuffer bb = ByteBuffer.wrap(b);
            // Locator data of entry 0.
            int locAt = (int) bb.getLong(512 + 576 + 16);
            byte[] want = (".\\" + parent.getFileName()).getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
            assertEquals(loc.length, want.length);
            System.arraycopy(want, 0, b, locAt, want.length);
            byte[] parentFooter = Files.readAllBytes(parent);
            ByteBuffer pf = ByteBuffer.wrap(parentFooter, parentFooter.length - 512, 512);
            bb.putLong(512 + 40, pf.getLong(parentFooter.length - 512 + 68));
            bb.putLong(512 + 48, pf.getLong(parentFooter.length - 512 + 76));
            bb.putInt(512 + 36, VhdFooter.checksum(java.util.Arrays.copyOfRange(b, 512, 1536), 36));
            UUID id = UUID.randomUUID();
            bb.putLong(68, id.getMostSignificantBits());
            bb.putLong(76, id.getLeastSignificantBits());
            bb.putInt(64, VhdFooter.checksum(java.util.Arrays.copyOfRange(b, 0, 512), 64));
            System.arraycopy(b, 0, b, b.length - 512, 512);
            Files.write(child, b);
            parent = child;
        }
        return parent;
    }

    @Test
    void aChainWithinTheCapReadsThrough(@TempDir Path dir) throws Exception {
        Path top = chain(dir, 10);
        try (DiskImage img = DiskImages.open(top)) {
            assertEquals(11, img.chainDepth());
            byte[] s0 = img.virtualDisk().readBytes(0, 512, "t");
            assertEquals((byte) 0xd1, s0[0]);
            // Every level overrides the same sector with the same bytes: same disk as the grandchild alone.
            try (DiskImage one = DiskImages.open(dir.resolve("diff-grandchild.vhd"))) {
                assertEquals(VhdFixtures.sha256(one.virtualDisk()), VhdFixtures.sha256(img.virtualDisk()));
            }
        }
    }

    @Test
    void aChainDeeperThanTheCapIsRefused(@TempDir Path dir) throws Exception {
        Path top = chain(dir, DiskImages.MAX_CHAIN_DEPTH + 2);
        DiskException e = org.junit.jupiter.api.Assertions.assertThrows(DiskException.class,
                () -> DiskImages.open(top).close());
        assertTrue(e.getMessage().contains("deeper than " + DiskImages.MAX_CHAIN_DEPTH), e.getMessage());
    }

    @Test
    void absoluteMacxLocatorFindsTheParentPastAStaleFileOfTheSameName(@TempDir Path dir) throws Exception {
        Path right = Files.createDirectories(dir.resolve("right"));
        Path parent = VhdFixtures.extract("dynamic.vhd", right);
        // A stale dynamic.vhd next to the child: same name, another unique id.
        Path stale = VhdFixtures.extract("dynamic.vhd", dir);
        HostileVhdTest.patchBothFooters(stale, 68, 42L, 8);
        Path child = VhdFixtures.extract("diff-abs.vhd", dir);
        // Entry 1 is the MacX locator (file URL, UTF-8); point it at the right parent.
        byte[] url = parent.toUri().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] h = HostileVhdTest.read(child, 512, 1024);
        ByteBuffer hb = ByteBuffer.wrap(h);
        assertEquals("MacX", new String(h, 576 + 24, 4, java.nio.charset.StandardCharsets.US_ASCII));
        long dataAt = hb.getLong(576 + 24 + 16);
        assertTrue(url.length <= hb.getInt(576 + 24 + 4) * 512L, "locator space");
        HostileVhdTest.patch(child, dataAt, url);
        HostileVhdTest.patchInt(child, 512 + 576 + 24 + 8, url.length);
        HostileVhdTest.fixHeader(child);
        try (DiskImage img = DiskImages.open(child)) {
            assertEquals(parent.toRealPath(), img.parent().orElseThrow().path().toRealPath());
            assertEquals(VhdFixtures.text("diff-abs.virtual.sha256"), VhdFixtures.sha256(img.virtualDisk()));
        }
        // Without the right parent, the stale one is named in the error.
        Files.delete(parent);
        DiskException e = org.junit.jupiter.api.Assertions.assertThrows(DiskException.class,
                () -> DiskImages.open(child).close());
        assertTrue(e.getMessage().contains("parent unique id"), e.getMessage());
        assertTrue(e.getMessage().contains(stale.getFileName().toString()), e.getMessage());
    }
}
