package io.vhdflow.bench;

import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.fs.ext4.Ext4Filesystem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark for issue 5 (run by {@code bench/linux-fs-open.sh}): opens the ext4 filesystem in a raw
 * image and reads the files listed in a text file (one absolute in-image path a line), printing
 * wall time and how many bytes were read from the image. Not a unit test.
 *
 * <p>Usage: {@code LinuxFsOpenBench IMAGE PATHS_FILE}
 */
public final class LinuxFsOpenBench {
    private LinuxFsOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        List<String> paths = Files.readAllLines(Path.of(args[1])).stream().filter(s -> !s.isBlank()).toList();
        try (FileByteSource file = FileByteSource.open(image)) {
            CountingByteSource counted = new CountingByteSource(file);
            long t0 = System.nanoTime();
            Filesystem fs = Ext4Filesystem.open(counted);
            long t1 = System.nanoTime();
            long openBytes = counted.bytesRead();
            long content = 0;
            for (String p : paths) {
                content += fs.readAllBytes(p, 16 << 20).length;
            }
            long t2 = System.nanoTime();
            System.out.printf("image            %s (%d bytes, %s)%n", image.getFileName(), file.size(), fs.type());
            System.out.printf("open             %.1f ms, %d bytes read from the image%n", (t1 - t0) / 1e6, openBytes);
            System.out.printf("read %d files    %.1f ms, %d bytes of content%n", paths.size(), (t2 - t1) / 1e6, content);
            System.out.printf("total            %.1f ms wall, %d bytes read from the image in %d reads (%.2f MiB)%n",
                    (t2 - t0) / 1e6, counted.bytesRead(), counted.readCount(), counted.bytesRead() / 1048576.0);
            System.out.printf("findings         %s%n", fs.findings());
        }
    }
}
