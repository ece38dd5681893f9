package io.vhdflow.disk.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataRangeScannerTest {

    @ParameterizedTest
    @CsvSource({"disk.raw, disk.ranges.txt", "dynamic.vhd, disk.ranges.txt", "fixed-force.vhd, disk.ranges.txt",
            "fixed-chs.vhd, disk.ranges.txt", "odd.img, odd.ranges.txt", "dynamic-odd.vhd, odd.ranges.txt"})
    void findsExactlyTheRangesTheFixtureScriptWrote(String file, String ranges, @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract(file, dir);
        try (DiskImage img = DiskImages.open(p)) {
            List<ByteRange> seen = new ArrayList<>();
            DataRangeSummary s = DataRangeScanner.scan(img, (o, l) -> seen.add(new ByteRange(o, l)), 100,
                    ProgressListener.NONE);
            assertEquals(VhdFixtures.ranges(ranges), seen);
            assertEquals(seen, s.firstRanges());
            assertEquals(seen.stream().mapToLong(ByteRange::length).sum(), s.dataBytes());
            assertEquals(img.virtualSize(), s.virtualSize());
            assertFalse(s.truncated());
        }
    }

    @Test
    void segmentsScannedInParallelAreReportedInOrderAndMergedAcrossBoundaries(@TempDir Path dir) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        Path p = VhdFixtures.extract("diff-rel.vhd", dir);
        try (DiskImage img = DiskImages.open(p)) {
            List<ByteRange> oracle = bruteForce(img.virtualDisk());
            for (int threads : new int[] {1, 3}) {
                List<ByteRange> seen = new ArrayList<>();
                List<Long> progress = new ArrayList<>();
                // 192-sector segments read one sector at a time: ranges cross segment boundaries.
                DataRangeSummary s = DataRangeScanner.scan(img, (o, l) -> seen.add(new ByteRange(o, l)), 2,
                        (d, t) -> progress.add(d), threads, 1536 * 64, 512);
                assertEquals(oracle, seen, "threads " + threads);
                assertEquals(oracle.size(), s.rangeCount());
                assertEquals(2, s.firstRanges().size());
                assertTrue(s.truncated());
                for (int i = 1; i < progress.size(); i++) {
                    assertTrue(progress.get(i) >= progress.get(i - 1));
                }
            }
        }
    }

    @Test
    void randomSparseContentMatchesABruteForceScan(@TempDir Path dir) throws Exception {
        Random rnd = new Random(7);
        byte[] disk = new byte[3 * 1024 * 1024 + 700]; // a final partial sector
        for (int i = 0; i < 400; i++) {
            int at = rnd.nextInt(disk.length);
            disk[at] = (byte) (1 + rnd.nextInt(255));
        }
        Path p = Files.write(dir.resolve("r.img"), disk);
        try (DiskImage img = DiskImages.open(p)) {
            List<ByteRange> seen = new ArrayList<>();
            DataRangeScanner.scan(img, (o, l) -> seen.add(new ByteRange(o, l)), 0, ProgressListener.NONE, 2,
                    1 << 20, 64 * 1024);
            assertEquals(bruteForce(img.virtualDisk()), seen);
        }
    }

    /** Sector by sector, merged: the obvious algorithm. */
    static List<ByteRange> bruteForce(ByteSource src) throws Exception {
        List<ByteRange> out = new ArrayList<>();
        long start = -1;
        for (long pos = 0; pos < src.size(); pos += 512) {
            int n = (int) Math.min(512, src.size() - pos);
            byte[] b = src.readBytes(pos, n, "t");
            boolean data = false;
            for (byte x : b) {
                data |= x != 0;
            }
            if (data && start < 0) {
                start = pos;
            } else if (!data && start >= 0) {
                out.add(new ByteRange(start, pos - start));
                start = -1;
            }
        }
        if (start >= 0) {
            out.add(new ByteRange(start, src.size() - start));
        }
        return out;
    }
}
