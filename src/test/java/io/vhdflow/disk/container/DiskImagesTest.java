package io.vhdflow.disk.container;

import io.vhdflow.disk.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the qemu-img fixtures: sizes and contents must match what qemu-img and libvhdi read. */
class DiskImagesTest {

    @ParameterizedTest
    @CsvSource({
            "fixed-force.vhd, fixed-force, VHD_FIXED, qem2",
            "fixed-chs.vhd, fixed-chs, VHD_FIXED, qemu",
            "dynamic.vhd, dynamic, VHD_DYNAMIC, qem2",
            "dynamic-chs.vhd, dynamic-chs, VHD_DYNAMIC, qemu",
            "dynamic-odd.vhd, dynamic-odd, VHD_DYNAMIC, qem2",
            "fixed-odd.vhd, fixed-odd, VHD_FIXED, qem2"})
    void qemuMadeVhdsReadAsQemuReadsThem(String file, String facts, DiskFormat format, String creator,
                                         @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract(file, dir);
        assertEquals(format, DiskImages.detect(p));
        try (DiskImage img = DiskImages.open(p)) {
            assertEquals(format, img.format());
            assertEquals(VhdFixtures.qemuVirtualSize(facts), img.virtualSize());
            VhdFooter f = img.footer().orElseThrow();
            assertEquals(creator, f.creatorApplication());
            assertEquals(img.virtualSize(), f.currentSize());
            assertEquals(VhdFixtures.text(facts + ".virtual.sha256"), VhdFixtures.sha256(img.virtualDisk()));
            assertEquals(format == DiskFormat.VHD_DYNAMIC, img.dynamicHeader().isPresent());
        }
    }

    @Test
    void rawImagesAreTheirOwnVirtualDisk(@TempDir Path dir) throws Exception {
        for (String name : List.of("disk.raw", "odd.img")) {
            Path p = VhdFixtures.extract(name, dir);
            try (DiskImage img = DiskImages.open(p)) {
                assertEquals(DiskFormat.RAW, img.format());
                assertEquals(Files.size(p), img.virtualSize());
                assertTrue(img.footer().isEmpty());
                assertEquals(VhdFixtures.text(name + ".sha256"), VhdFixtures.sha256(img.virtualDisk()));
            }
        }
    }

    @Test
    void dynamicDiskReportsOnlyAllocatedBlocksAndTheyCoverTheData(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        try (DiskImage img = DiskImages.open(p)) {
            BlockAllocationTable bat = img.blockAllocationTable().orElseThrow();
            assertEquals(2 << 20, bat.blockSize());
            assertEquals(12, bat.blockCount());
            List<ByteRange> allocated = list(img.allocatedRanges());
            // Data at 0..64K, 1M+512..2M+512, 5M..9M and the last 4K: blocks 0-1, 2-4, 11.
            long MiB = 1 << 20;
            assertEquals(List.of(new ByteRange(0, 10 * MiB), new ByteRange(22 * MiB, 2 * MiB)), allocated);
            for (ByteRange data : VhdFixtures.ranges("disk.ranges.txt")) {
                assertTrue(allocated.stream().anyMatch(a -> a.offset() <= data.offset() && data.end() <= a.end()),
                        "data " + data + " outside allocated " + allocated);
            }
            assertEquals(12L * MiB, img.allocatedBytes());
        }
    }

    @Test
    void randomReadsAgreeWithTheRawImage(@TempDir Path dir) throws Exception {
        Path raw = VhdFixtures.extract("disk.raw", dir);
        Path dyn = VhdFixtures.extract("dynamic.vhd", dir);
        Random rnd = new Random(42);
        try (DiskImage a = DiskImages.open(raw); DiskImage b = DiskImages.open(dyn)) {
            for (int i = 0; i < 300; i++) {
                long off = (long) (rnd.nextDouble() * a.virtualSize());
                int len = 1 + rnd.nextInt(5 << 20);
                ByteBuffer x = ByteBuffer.allocate(len);
                ByteBuffer y = ByteBuffer.allocateDirect(len);
                int nx = a.virtualDisk().read(off, x);
                int ny = b.virtualDisk().read(off, y);
                assertEquals(nx, ny);
                byte[] yb = new byte[ny];
                y.flip().get(yb);
                assertArrayEquals(java.util.Arrays.copyOf(x.array(), nx), yb, "at " + off + "+" + len);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"diff-rel", "diff-abs"})
    void differencingDisksReadAsLibvhdiReadsThem(String base, @TempDir Path dir) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        Path child = VhdFixtures.extract(base + ".vhd", dir);
        try (DiskImage img = DiskImages.open(child)) {
            assertEquals(DiskFormat.VHD_DIFFERENCING, img.format());
            assertEquals(1, img.chainDepth());
            assertEquals(Long.parseLong(VhdFixtures.text(base + ".virtual.size")), img.virtualSize());
            assertEquals(VhdFixtures.text(base + ".virtual.sha256"), VhdFixtures.sha256(img.virtualDisk()));
            assertEquals(img.parent().orElseThrow().footer().orElseThrow().uniqueId(),
                    img.dynamicHeader().orElseThrow().parentUniqueId());
            // The child's own block 6 lies where the parent has nothing: the union covers it.
            long MiB = 1 << 20;
            assertEquals(List.of(new ByteRange(0, 10 * MiB), new ByteRange(12 * MiB, 2 * MiB),
                    new ByteRange(22 * MiB, 2 * MiB)), list(img.allocatedRanges()));
        }
    }

    @Test
    void grandchildResolvesTheWholeChain(@TempDir Path dir) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        VhdFixtures.extract("diff-rel.vhd", dir);
        Path p = VhdFixtures.extract("diff-grandchild.vhd", dir);
        try (DiskImage img = DiskImages.open(p)) {
            assertEquals(2, img.chainDepth());
            // Only sector 0 (bit 7 of bitmap byte 0) is the grandchild's; sectors 1..7 share that
            // bitmap byte but come from diff-rel, whose content libvhdi vouches for.
            ByteSource mine = img.virtualDisk();
            ByteSource parent = img.parent().orElseThrow().virtualDisk();
            assertEquals(VhdFixtures.text("diff-rel.virtual.sha256"), VhdFixtures.sha256(parent));
            byte[] s0 = mine.readBytes(0, 512, "test");
            assertEquals((byte) 0xd1, s0[0]);
            assertTrue(new String(s0, java.nio.charset.StandardCharsets.US_ASCII).contains("child sector 0000000000 fill d1"));
            assertArrayEquals(parent.readBytes(512, 7 * 512, "test"), mine.readBytes(512, 7 * 512, "test"));
            assertFalse(java.util.Arrays.equals(parent.readBytes(0, 512, "t"), s0));
            assertArrayEquals(parent.readBytes(4096, 1 << 20, "test"), mine.readBytes(4096, 1 << 20, "test"));
        }
    }

    @Test
    void chsSizedCreatorIsReportedAsAFinding(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        try (DiskImage img = DiskImages.open(p)) {
            List<String> codes = img.findings().stream().map(Finding::code).toList();
            assertFalse(codes.contains("vhd.chs-size-differs"), codes.toString());
            assertFalse(codes.contains("vhd.unknown-creator"), codes.toString());
        }
    }

    static List<ByteRange> list(Iterator<ByteRange> it) {
        List<ByteRange> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
