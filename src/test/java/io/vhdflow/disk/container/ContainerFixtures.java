package io.vhdflow.disk.container;

import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.QemuImg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fixtures of {@code fixtures/make-containers.sh} and the cross-check every container test
 * makes: the virtual disk vhdflow reads equals, byte for byte, the raw image {@code qemu-img
 * convert -O raw} makes of the same file in the same run; every non-zero sector lies inside the
 * reader's allocated ranges.
 */
final class ContainerFixtures {
    private ContainerFixtures() {
    }

    /** Unpacks {@code containers/<name>.zst} into {@code dir}. */
    static Path extract(String name, Path dir) {
        return Fixtures.extract("containers/" + name + ".zst", dir);
    }

    /** Unpacks {@code containers/<name>.zst} into {@code dir} under another name. */
    static Path extractAs(String name, String as, Path dir) throws IOException {
        Path p = extract(name, dir);
        return Files.move(p, dir.resolve(as));
    }

    static String text(String name) {
        return Fixtures.text("containers/" + name);
    }

    /**
     * Opens {@code image} and reads its whole virtual disk, which must fail with a typed
     * {@link io.vhdflow.disk.DiskException} within 10 seconds (never hang, never another exception).
     */
    static io.vhdflow.disk.DiskException rejected(Path image) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> org.junit.jupiter.api.Assertions.assertThrows(io.vhdflow.disk.DiskException.class, () -> {
                    try (DiskImage img = DiskImages.open(image)) {
                        VhdFixtures.sha256(img.virtualDisk());
                    }
                }));
    }

    /** qemu-img's raw reading of {@code image}, written to {@code out}; fails in CI when qemu-img is missing. */
    static Path qemuRaw(Path image, Path out) throws IOException, InterruptedException {
        return QemuImg.raw(image, out);
    }

    /** Runs qemu-img with {@code args}, returning its output; fails the test when it fails. */
    static String qemuImg(String... args) throws IOException, InterruptedException {
        return QemuImg.run(args);
    }

    /**
     * Asserts that {@code image}'s virtual disk equals {@code raw} byte for byte, and that every
     * 512-byte sector holding a non-zero byte lies inside its allocated ranges. Where qemu's raw
     * file is a hole ({@code qemu-img map}), vhdflow's disk must read as zeros; elsewhere the two
     * are compared.
     */
    static void assertSameDisk(DiskImage image, Path raw) throws IOException, InterruptedException {
        List<long[]> data = dataExtents(raw);
        ByteSource disk = image.virtualDisk();
        String name = image.path().getFileName().toString();
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            assertEquals(ch.size(), disk.size(), "virtual size of " + name);
            List<ByteRange> ranges = new ArrayList<>();
            long lastEnd = 0;
            for (Iterator<ByteRange> it = image.allocatedRanges(); it.hasNext(); ) {
                ByteRange r = it.next();
                assertTrue(r.offset() >= lastEnd && r.length() > 0, name + ": ranges ascend, merged: " + r);
                lastEnd = r.end();
                ranges.add(r);
            }
            int chunk = 1 << 20;
            ByteBuffer ours = ByteBuffer.allocate(chunk);
            ByteBuffer theirs = ByteBuffer.allocate(chunk);
            int d = 0;
            int r = 0;
            for (long pos = 0; pos < ch.size(); pos += chunk) {
                int n = (int) Math.min(chunk, ch.size() - pos);
                ours.clear().limit(n);
                disk.readFully(pos, ours, "test");
                while (d < data.size() && data.get(d)[1] <= pos) {
                    d++;
                }
                boolean hole = d >= data.size() || data.get(d)[0] >= pos + n;
                if (hole) {
                    int at = Arrays.mismatch(ours.array(), 0, n, ZEROS, 0, n);
                    if (at >= 0) {
                        fail(name + ": virtual byte " + (pos + at) + " is " + (ours.array()[at] & 0xFF)
                                + " in vhdflow's reading, 0 (a hole) in qemu-img's");
                    }
                    continue;
                }
                theirs.clear().limit(n);
                while (theirs.hasRemaining()) {
                    if (ch.read(theirs, pos + theirs.position()) < 0) {
                        fail("qemu's raw image ended early");
                    }
                }
                int at = Arrays.mismatch(ours.array(), 0, n, theirs.array(), 0, n);
                if (at >= 0) {
                    fail(name + ": virtual byte " + (pos + at) + " is " + (ours.array()[at] & 0xFF)
                            + " in vhdflow's reading, " + (theirs.array()[at] & 0xFF) + " in qemu-img's");
                }
                for (int s = 0; s < n; s += 512) {
                    int len = Math.min(512, n - s);
                    if (Arrays.mismatch(theirs.array(), s, s + len, ZEROS, 0, len) < 0) {
                        continue;
                    }
                    long sector = pos + s;
                    while (r < ranges.size() && ranges.get(r).end() <= sector) {
                        r++;
                    }
                    if (r == ranges.size() || ranges.get(r).offset() > sector) {
                        fail(name + ": data at virtual byte " + sector + " lies outside the allocated ranges");
                    }
                }
            }
        }
    }

    private static final byte[] ZEROS = new byte[1 << 20];

    /** The data extents of a (sparse) raw file, as qemu-img map reports them: {start, end}. */
    private static List<long[]> dataExtents(Path raw) throws IOException, InterruptedException {
        String json = qemuImg("map", "-f", "raw", "--output=json", raw.toString());
        List<long[]> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\\{[^}]*\"start\":\\s*(\\d+),\\s*\"length\":\\s*(\\d+)[^}]*\"data\":\\s*(true|false)[^}]*}").matcher(json);
        while (m.find()) {
            if (m.group(3).equals("true")) {
                long start = Long.parseLong(m.group(1));
                out.add(new long[] {start, start + Long.parseLong(m.group(2))});
            }
        }
        assertTrue(!json.isBlank(), "qemu-img map printed nothing");
        return out;
    }

}
