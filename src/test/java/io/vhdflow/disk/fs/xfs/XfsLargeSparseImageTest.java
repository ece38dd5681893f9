package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening a 1 TiB XFS and reading 50 configuration files must read only what it needs: the
 * superblock, a handful of log blocks, the inodes and directory blocks on the paths. Runs only
 * where mkfs.xfs is installed (it builds the sparse image from a protofile, no root needed).
 */
class XfsLargeSparseImageTest {
    @TempDir
    Path dir;

    @Test
    void openAndReadFiftyFilesOnOneTebibyte() throws Exception {
        ExternalTools.require("mkfs.xfs", "xfsprogs");
        Path img = dir.resolve("big.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(1L << 40);
        }
        // Protofile: root, /etc holding 50 files, /etc/sysconfig/network-scripts nested below.
        StringBuilder proto = new StringBuilder("/dev/null\n0 0\nd--755 0 0\netc d--755 0 0\n");
        for (int i = 0; i < 50; i++) {
            Path src = dir.resolve("c" + i);
            Files.writeString(src, "setting-" + i + "=value-" + i + "\n".repeat(i + 1));
            proto.append(" c").append(i).append(".conf ---644 0 0 ").append(src).append('\n');
        }
        proto.append(" sysconfig d--755 0 0\n  network-scripts d--755 0 0\n   ifcfg-eth0 ---644 0 0 ")
                .append(dir.resolve("c0")).append("\n  $\n $\n$\n$\n");
        Path protoFile = dir.resolve("proto");
        Files.writeString(protoFile, proto.toString());
        Process p = new ProcessBuilder("mkfs.xfs", "-q", "-K", "-l", "size=64m", "-L", "big", "-p",
                protoFile.toString(), img.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);

        try (FileByteSource file = FileByteSource.open(img)) {
            PatchedByteSource counting = new PatchedByteSource(file);
            long t0 = System.nanoTime();
            XfsFilesystem fs = XfsFilesystem.open(counting);
            long openBytes = counting.bytesRead();
            long openReads = counting.readCount();
            List<String> contents = new ArrayList<>();
            for (int i = 0; i < 49; i++) {
                contents.add(fs.readString("/etc/c" + i + ".conf", 1 << 20));
            }
            contents.add(fs.readString("/etc/sysconfig/network-scripts/ifcfg-eth0", 1 << 20));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(contents.get(0), contents.get(49));
            for (int i = 0; i < 49; i++) {
                assertEquals("setting-" + i + "=value-" + i + "\n".repeat(i + 1), contents.get(i));
            }
            assertEquals(List.of(), fs.findings());
            System.getLogger(XfsLargeSparseImageTest.class.getName()).log(System.Logger.Level.INFO, String.format(
                    "xfs 1 TiB sparse: open read %d bytes in %d reads; open + 50 files read %d bytes in %d reads, %d ms",
                    openBytes, openReads, counting.bytesRead(), counting.readCount(), ms));
            assertTrue(openBytes < 64 * 1024, "open read " + openBytes + " bytes");
            assertTrue(counting.bytesRead() < 16L << 20, "read " + counting.bytesRead() + " bytes");
        }
    }
}
