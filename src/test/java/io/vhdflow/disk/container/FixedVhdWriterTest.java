package io.vhdflow.disk.container;

import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedVhdWriterTest {

    @ParameterizedTest
    @ValueSource(strings = {"fixed-force.vhd", "fixed-chs.vhd", "dynamic.vhd", "dynamic-chs.vhd", "dynamic-odd.vhd",
            "fixed-odd.vhd", "disk.raw", "odd.img", "diff-rel.vhd", "diff-grandchild.vhd"})
    void convertsToAnAzureReadyFixedVhdWithTheSameContent(String name, @TempDir Path dir) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        VhdFixtures.extract("diff-rel.vhd", dir);
        Path in = VhdFixtures.extract(name, dir);
        Path out = dir.resolve("out.vhd");
        List<long[]> progress = new ArrayList<>();
        try (DiskImage img = DiskImages.open(in)) {
            ConversionResult r = FixedVhdWriter.convert(img, out,
                    FixedVhdWriter.Options.defaults().withProgress((d, t) -> progress.add(new long[] {d, t})));
            long expectedSize = (img.virtualSize() + (1 << 20) - 1) / (1 << 20) * (1 << 20);
            assertEquals(expectedSize, r.virtualSize());
            assertEquals(expectedSize + 512, Files.size(out));
            assertEquals(expectedSize + 512, r.fileSize());
            // Digests are those of the whole output file, as md5sum/sha256sum give them.
            byte[] file = Files.readAllBytes(out);
            byte[] md5 = MessageDigest.getInstance("MD5").digest(file);
            assertEquals(HexFormat.of().formatHex(md5), r.md5Hex().orElseThrow());
            assertEquals(Base64.getEncoder().encodeToString(md5), r.md5Base64().orElseThrow());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)),
                    r.sha256Hex().orElseThrow());
            // The data tree digest of the virtual disk, as the README's construction defines it.
            assertEquals(io.vhdflow.testing.ReferenceDataTree.of(file, (int) expectedSize), r.integrity().hex());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    java.util.Arrays.copyOfRange(file, (int) expectedSize, file.length))), r.footerSha256());
            assertEquals(r.fileSize(), progress.get(progress.size() - 1)[0]);

            try (DiskImage o = DiskImages.open(out)) {
                assertEquals(DiskFormat.VHD_FIXED, o.format());
                VhdFooter f = o.footer().orElseThrow();
                assertEquals("vhfl", f.creatorApplication());
                assertEquals(r.uniqueId(), f.uniqueId());
                assertEquals(DiskGeometry.forSize(expectedSize), f.geometry());
                assertTrue(new io.vhdflow.inspect.VerificationService().readiness(out, "azure-platform").checks().stream()
                        .filter(c -> c.id().equals("G1") || c.id().equals("G2") || c.id().equals("G3"))
                        .allMatch(c -> c.status() == io.vhdflow.inspect.CheckStatus.PASS));
                // Same bytes as the input, zeros after it.
                ByteSource a = img.virtualDisk();
                ByteSource b = o.virtualDisk();
                assertArrayEquals(a.readBytes(0, (int) a.size(), "in"), b.readBytes(0, (int) a.size(), "out"));
                assertTrue(ZeroSectors.isZero(b.readBytes(a.size(), (int) (b.size() - a.size()), "pad"), 0,
                        (int) (b.size() - a.size())));
            }
            // Sparse: only the data sectors were written.
            DataRangeSummary s = r.dataRanges();
            assertEquals(s.dataBytes() + 512, r.dataBytesWritten());
            qemuAgrees(img, in, out, expectedSize, dir);
        }
    }

    @Test
    void writesOnlyTheDataSectorsOfTheRawInput(@TempDir Path dir) throws Exception {
        Path in = VhdFixtures.extract("disk.raw", dir);
        List<ByteRange> seen = new ArrayList<>();
        try (DiskImage img = DiskImages.open(in)) {
            ConversionResult r = FixedVhdWriter.convert(img, dir.resolve("o.vhd"),
                    FixedVhdWriter.Options.defaults().withDataSink((o, l) -> seen.add(new ByteRange(o, l))));
            assertEquals(VhdFixtures.ranges("disk.ranges.txt"), seen);
            assertEquals(VhdFixtures.ranges("disk.ranges.txt"), r.dataRanges().firstRanges());
            long data = seen.stream().mapToLong(ByteRange::length).sum();
            assertEquals(data + 512, r.dataBytesWritten());
            if (ExternalTools.available("stat", "coreutils")) {
                long allocated = Long.parseLong(run("stat", "-c", "%b", dir.resolve("o.vhd").toString()).trim()) * 512;
                assertTrue(allocated < data + (1 << 20), "output allocates " + allocated + " bytes for " + data);
            }
        }
    }

    @Test
    void refusesToOverwriteUnlessAskedAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path in = VhdFixtures.extract("odd.img", dir);
        Path out = Files.writeString(dir.resolve("o.vhd"), "keep me");
        try (DiskImage img = DiskImages.open(in)) {
            assertThrows(FileAlreadyExistsException.class,
                    () -> FixedVhdWriter.convert(img, out, FixedVhdWriter.Options.defaults()));
            assertEquals("keep me", Files.readString(out, StandardCharsets.UTF_8));
            FixedVhdWriter.convert(img, out, FixedVhdWriter.Options.defaults().withOverwrite(true));
            assertEquals(11L * (1 << 20) + 512, Files.size(out));
            assertThrows(IOException.class, () -> FixedVhdWriter.convert(img, in,
                    FixedVhdWriter.Options.defaults().withOverwrite(true)));
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    /**
     * Where qemu-img is installed: qemu must read the output at its exact size and find it equal
     * to the input. qemu releases before 2025 size a VHD with an unlisted creator ("vhfl") by its
     * CHS geometry, so for the default output qemu must report either the exact size (newer qemu)
     * or exactly the CHS capacity (older qemu, a documented qemu limitation); the output made
     * with the Hyper-V creator "win " must be read at its exact size by every qemu, and compare
     * equal to the input.
     */
    private static void qemuAgrees(DiskImage img, Path in, Path out, long size, Path dir) throws Exception {
        if (!ExternalTools.available("qemu-img", "qemu-utils")) {
            return;
        }
        long qemuSize = qemuSize(out);
        assertTrue(qemuSize == size || qemuSize == DiskGeometry.forSize(size).capacity(), "qemu reads " + qemuSize);
        // Told to size by the footer's current size (what Azure does), every qemu reads "vhfl" exactly.
        String exact = run("qemu-img", "info", "--output=json", "--image-opts",
                "driver=vpc,force_size_calc=current_size,file.filename=" + out);
        assertTrue(exact.contains("\"virtual-size\": " + size + ","), exact);
        Path win = dir.resolve("win.vhd");
        FixedVhdWriter.convert(img, win, FixedVhdWriter.Options.defaults().withCreator(VhdFooter.HYPERV_CREATOR));
        assertEquals(size, qemuSize(win));
        if (in.getFileName().toString().startsWith("diff")) {
            return; // qemu's vpc driver ignores the parent of differencing disks; libvhdi vouched for those
        }
        String inFmt = in.toString().endsWith(".vhd") ? "vpc" : "raw";
        // qemu warns of the size difference (the output is rounded up to a MiB) and checks the extra is zero.
        String cmp = run("qemu-img", "compare", "-f", inFmt, "-F", "vpc", in.toString(), win.toString());
        assertTrue(cmp.contains("Images are identical."), cmp);
        String cmpOurs = run("qemu-img", "compare", "--image-opts", "driver=" + inFmt + ",file.filename=" + in,
                "driver=vpc,force_size_calc=current_size,file.filename=" + out);
        assertTrue(cmpOurs.contains("Images are identical."), cmpOurs);
    }

    private static long qemuSize(Path vhd) throws Exception {
        String json = run("qemu-img", "info", "-f", "vpc", "--output=json", vhd.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"virtual-size\": (\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
