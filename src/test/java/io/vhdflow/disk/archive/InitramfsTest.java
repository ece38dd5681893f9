package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Initramfs images written by the real tools (fixtures/make-linux-boot.sh): Debian's mkinitramfs
 * (early microcode cpio + zstd main cpio), dracut, and one image per compressor the kernel reads,
 * each compressed with the command line mkinitramfs runs. Compared entry by entry with the real
 * tools' listings (lsinitramfs, cpio -t) and file by file with sha256sum.
 */
class InitramfsTest {

    static byte[] image(String name) throws IOException {
        try (InputStream in = InitramfsTest.class.getResourceAsStream("/fixtures/initramfs/" + name)) {
            return in.readAllBytes();
        }
    }

    static List<String> names(byte[] img) throws IOException {
        List<String> out = new ArrayList<>();
        Initramfs.read(new ByteArraySource(img, "initrd"), (e, d) -> out.add(e.name().isEmpty() ? "." : e.name()));
        return out;
    }

    /** The listing recorded after the "# lsinitramfs" line of a fixture's .txt. */
    static List<String> recorded(String txt, String marker) {
        String t = Fixtures.text("initramfs/" + txt);
        String after = t.substring(t.indexOf(marker) + marker.length());
        int next = after.indexOf("\n#");
        List<String> out = new ArrayList<>();
        for (String l : (next >= 0 ? after.substring(0, next) : after).split("\n")) {
            if (!l.isBlank()) {
                out.add(l.strip().replaceFirst("^\\./", ""));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"debian-mkinitramfs", "debian-mkinitramfs-nohv", "dracut", "dracut-omit"})
    void everyEntryTheRealToolListsIsReadInOrder(String name) throws IOException {
        assertEquals(recorded(name + ".txt", "# lsinitramfs\n"), names(image(name + ".img")));
    }

    /** The same images listed by Debian's lsinitramfs in this run (its cpio and the compressors, in C). */
    @ParameterizedTest
    @ValueSource(strings = {"debian-mkinitramfs", "debian-mkinitramfs-nohv", "dracut", "dracut-omit", "crc",
            "compressed-none", "compressed-gzip", "compressed-bzip2", "compressed-xz", "compressed-lzma",
            "compressed-zstd", "compressed-lz4"})
    void everyEntryLsinitramfsListsNowIsReadInOrder(String name, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        io.vhdflow.testing.ExternalTools.require("lsinitramfs", "initramfs-tools-core");
        io.vhdflow.testing.ExternalTools.require("lz4", "lz4");
        java.nio.file.Path img = java.nio.file.Files.write(dir.resolve(name + ".img"), image(name + ".img"));
        Process p = new ProcessBuilder("lsinitramfs", img.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> listed;
        try (InputStream out = p.getInputStream()) {
            listed = List.of(new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        }
        // Its exit status is 2 on a single uncompressed archive (unmkinitramfs looks for a next one after the
        // trailer): the listing is what is compared.
        p.waitFor();
        assertTrue(listed.size() > 30, listed.toString());
        assertEquals(listed, names(image(name + ".img")));
    }

    @Test
    void mkinitramfsWritesAnEarlyMicrocodeArchiveThenAZstdMainArchive() throws IOException {
        Initramfs.Summary s = Initramfs.read(new ByteArraySource(image("debian-mkinitramfs.img"), "initrd"), (e, d) -> { });
        assertEquals(2, s.segments().size());
        assertEquals(Compression.NONE, s.segments().get(0).compression());
        assertEquals(Compression.ZSTD, s.segments().get(1).compression());
        assertEquals(0, s.segments().get(1).offset() % 4);
        List<String> n = names(image("debian-mkinitramfs.img"));
        assertTrue(n.contains("kernel/x86/microcode/AuthenticAMD.bin"), n.toString());
        for (String m : List.of("hv/hv_vmbus.ko", "scsi/hv_storvsc.ko", "net/hyperv/hv_netvsc.ko")) {
            assertTrue(n.stream().anyMatch(x -> x.endsWith(m)), m);
        }
        assertTrue(names(image("debian-mkinitramfs-nohv.img")).stream().noneMatch(x -> x.contains("hv_")));
        assertTrue(names(image("dracut-omit.img")).stream().noneMatch(x -> x.contains("/hv_")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "lzma", "zstd", "lz4", "none"})
    void eachCompressorTheKernelReadsGivesTheSameFiles(String compression) throws Exception {
        byte[] img = image("compressed-" + compression + ".img");
        Map<String, String> sums = new TreeMap<>();
        List<String> names = new ArrayList<>();
        Initramfs.Summary s = Initramfs.read(new ByteArraySource(img, compression), (e, data) -> {
            names.add(e.name().isEmpty() ? "." : e.name());
            if (e.type() == FileType.REGULAR) {
                sums.put(e.name(), sha256(data.readAllBytes()));
            }
        });
        assertEquals(1, s.segments().size());
        assertEquals(compression.equals("lz4") ? Compression.LZ4_LEGACY : compression.equals("none") ? Compression.NONE
                : Compression.valueOf(compression.toUpperCase()), s.segments().get(0).compression());
        assertEquals(recorded("compressed.txt", "(identical content in every compressed-*.img; crc.img in crc format)\n"), names);
        assertEquals(recordedSums(), sums);
    }

    @Test
    void theCrcFormatsChecksumsAreVerified() throws Exception {
        byte[] img = image("crc.img");
        Map<String, String> sums = new TreeMap<>();
        Initramfs.read(new ByteArraySource(img, "crc"), (e, data) -> {
            if (e.type() == FileType.REGULAR) {
                sums.put(e.name(), sha256(data.readAllBytes()));
            }
        });
        assertEquals(recordedSums(), sums);
        // Flip one byte of the first regular file's data: its checksum no longer matches.
        int at = firstDataOffset(img);
        img[at] ^= 0x01;
        DiskException e = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(img, "crc"), (x, d) -> { }));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aCutShortImageIsTruncatedAndNamesTheSegment() throws IOException {
        byte[] img = image("debian-mkinitramfs.img");
        byte[] cut = java.util.Arrays.copyOf(img, img.length - 4000);
        DiskException e = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(cut, "cut"), (x, d) -> { }));
        assertTrue(e.kind() == ErrorKind.TRUNCATED || e.kind() == ErrorKind.CORRUPT, e.toString());
        assertTrue(e.getMessage().contains("initramfs segment 1 (zstd"), e.getMessage());
        byte[] plainCut = java.util.Arrays.copyOf(image("compressed-none.img"), 5000);
        DiskException p = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(plainCut, "cut"), (x, d) -> { }));
        assertEquals(ErrorKind.TRUNCATED, p.kind());
    }

    @Test
    void theLz4FrameFormatAndGarbageAreRefusedByName() throws IOException {
        byte[] frame = {0x04, 0x22, 0x4D, 0x18, 0, 0, 0, 0};
        DiskException f = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(frame, "f"), (x, d) -> { }));
        assertEquals(ErrorKind.UNSUPPORTED, f.kind());
        assertTrue(f.getMessage().contains("legacy LZ4"), f.getMessage());
        byte[] junk = "hello, not an initramfs".getBytes();
        DiskException j = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(junk, "j"), (x, d) -> { }));
        assertEquals(ErrorKind.CORRUPT, j.kind());
        assertEquals(0, j.offset());
    }

    @Test
    void theLimitsStopAHugeOrCrowdedImage() throws IOException {
        byte[] img = image("compressed-gzip.img");
        DiskException entries = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(img, "g"),
                new Initramfs.Limits(1 << 20, 1L << 30, 10), (x, d) -> { }));
        assertEquals(ErrorKind.LIMIT_EXCEEDED, entries.kind());
        DiskException bytes = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(img, "g"),
                new Initramfs.Limits(1 << 20, 4096, 100_000), (x, d) -> { }));
        assertEquals(ErrorKind.LIMIT_EXCEEDED, bytes.kind());
        DiskException size = assertThrows(DiskException.class, () -> Initramfs.read(new ByteArraySource(img, "g"),
                new Initramfs.Limits(1000, 1L << 30, 100_000), (x, d) -> { }));
        assertEquals(ErrorKind.LIMIT_EXCEEDED, size.kind());
    }

    @Test
    void aVisitorThatReadsPartOfAnEntryLeavesTheRestReadable() throws IOException {
        byte[] img = image("compressed-xz.img");
        List<String> all = names(img);
        List<String> seen = new ArrayList<>();
        Initramfs.read(new ByteArraySource(img, "xz"), (e, d) -> {
            seen.add(e.name().isEmpty() ? "." : e.name());
            d.read(new byte[3]);
        });
        assertEquals(all, seen);
    }

    private static Map<String, String> recordedSums() {
        String t = Fixtures.text("initramfs/compressed.txt");
        String block = t.substring(t.indexOf("# sha256 of every regular file\n") + 31, t.indexOf("# sha256 of each image"));
        Map<String, String> out = new TreeMap<>();
        for (String l : block.split("\n")) {
            if (!l.isBlank()) {
                String[] p = l.split("\\s+", 2);
                out.put(p[1].strip().replaceFirst("^\\./", ""), p[0]);
            }
        }
        return out;
    }

    /** Offset of the first byte of data of the first non-empty regular file of a plain cpio. */
    private static int firstDataOffset(byte[] img) {
        int pos = 0;
        while (true) {
            String h = new String(img, pos, 110, java.nio.charset.StandardCharsets.US_ASCII);
            int mode = Integer.parseInt(h.substring(14, 22), 16);
            int size = Integer.parseInt(h.substring(54, 62), 16);
            int nameSize = Integer.parseInt(h.substring(94, 102), 16);
            int data = (pos + 110 + nameSize + 3) & ~3;
            if ((mode & 0xF000) == 0x8000 && size > 0) {
                return data;
            }
            pos = (data + size + 3) & ~3;
        }
    }

    private static String sha256(byte[] b) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    @Test
    void compressionIsRecognisedByMagic() {
        assertEquals(Compression.ZSTD, Compression.detect(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, 4).orElseThrow());
        assertEquals(Compression.LZ4_LEGACY, Compression.detect(new byte[] {0x02, 0x21, 0x4C, 0x18}, 4).orElseThrow());
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
