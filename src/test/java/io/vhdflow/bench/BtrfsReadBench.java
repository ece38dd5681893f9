package io.vhdflow.bench;

import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.btrfs.BtrfsFilesystem;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Benchmark for issue 17 (run by {@code bench/btrfs-read.sh}): opens the btrfs filesystem in a raw
 * image at its default subvolume and reads every regular file whole, printing wall time, content
 * bytes, bytes read from the image and a SHA-256 over all contents in path order (the script
 * compares it with the same digest over what {@code btrfs restore} wrote). Not a unit test.
 *
 * <p>Usage: {@code BtrfsReadBench IMAGE}
 */
public final class BtrfsReadBench {
    private BtrfsReadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        try (FileByteSource file = FileByteSource.open(image)) {
            CountingByteSource counted = new CountingByteSource(file);
            long t0 = System.nanoTime();
            BtrfsFilesystem fs = BtrfsFilesystem.open(counted);
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            long content = 0;
            long files = 0;
            java.util.TreeSet<String> paths = new java.util.TreeSet<>();
            Deque<String> dirs = new ArrayDeque<>();
            dirs.push("/");
            while (!dirs.isEmpty()) {
                String d = dirs.pop();
                for (DirEntry e : fs.list(d)) {
                    String p = (d.equals("/") ? "" : d) + "/" + e.name();
                    FileAttributes a = fs.lstat(p);
                    if (a.isDirectory()) {
                        dirs.push(p);
                    } else if (a.isRegularFile()) {
                        paths.add(p);
                    }
                }
            }
            for (String p : paths) {
                try (InputStream in = fs.newInputStream(p)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        all.update(buf, 0, n);
                        content += n;
                    }
                }
                files++;
            }
            long t1 = System.nanoTime();
            double s = (t1 - t0) / 1e9;
            System.out.printf("vhdflow          %d files, %.1f MiB of content in %.2f s (%.1f MiB/s), %.1f MiB read from the image%n",
                    files, content / 1048576.0, s, content / 1048576.0 / s, counted.bytesRead() / 1048576.0);
            System.out.printf("vhdflow-sha256   %s%n", HexFormat.of().formatHex(all.digest()));
        }
    }
}
