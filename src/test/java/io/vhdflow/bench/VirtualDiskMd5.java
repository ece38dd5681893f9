package io.vhdflow.bench;

import io.vhdflow.disk.container.ByteRange;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;

/**
 * A benchmark floor (bench/pipeline.sh): one plain JVM MD5 pass over an image's whole virtual
 * disk, reading its allocated ranges and feeding zeros for the rest, on one thread. Whatever a
 * pipeline does with the whole-disk MD5 on, it cannot beat this. Prints "seconds md5".
 */
public final class VirtualDiskMd5 {
    private VirtualDiskMd5() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[1 << 20];
        byte[] zeros = new byte[1 << 20];
        try (DiskImage image = DiskImages.open(Path.of(args[0]))) {
            long size = image.virtualSize();
            long pos = 0;
            for (Iterator<ByteRange> it = image.allocatedRanges(); it.hasNext(); ) {
                ByteRange r = it.next();
                for (; pos < r.offset(); ) {
                    int n = (int) Math.min(zeros.length, r.offset() - pos);
                    md5.update(zeros, 0, n);
                    pos += n;
                }
                for (; pos < r.end(); ) {
                    int n = (int) Math.min(buf.length, r.end() - pos);
                    image.virtualDisk().readFully(pos, ByteBuffer.wrap(buf, 0, n), "virtual disk");
                    md5.update(buf, 0, n);
                    pos += n;
                }
            }
            for (; pos < size; ) {
                int n = (int) Math.min(zeros.length, size - pos);
                md5.update(zeros, 0, n);
                pos += n;
            }
        }
        System.out.printf(Locale.ROOT, "%.3f %s%n", (System.nanoTime() - start) / 1e9,
                HexFormat.of().formatHex(md5.digest()));
    }
}
