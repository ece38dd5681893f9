package io.vhdflow.pipeline;

import io.vhdflow.disk.container.ByteArraySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tee's frontier: whatever order its caller reads in, the backup and the SHA-256 are of the whole file. */
class BackupTeeTest {
    @TempDir
    Path dir;

    private static byte[] file(int size, long seed) {
        byte[] b = new byte[size];
        Random r = new Random(seed);
        for (int at = 0; at < size; at += 64 << 10) {
            if (r.nextInt(3) > 0) { // two thirds data, one third zero blocks (holes in the backup)
                for (int i = at; i < Math.min(size, at + (64 << 10)); i++) {
                    b[i] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }

    private record Outcome(byte[] backup, String sha, long gapBytes, long written) {
    }

    private Outcome tee(byte[] content, List<long[]> reads) throws Exception {
        Path out = dir.resolve("backup-" + System.nanoTime());
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             BackupTee tee = new BackupTee(new ByteArraySource(content, "original"), ch, n -> { }, Progress.NONE)) {
            tee.read(content.length - 512, ByteBuffer.allocate(512)); // metadata read before arming: not copied yet
            tee.arm();
            for (long[] r : reads) {
                ByteBuffer dst = ByteBuffer.allocate((int) r[1]);
                dst.position(0);
                int n = tee.read(r[0], dst);
                assertEquals(r[1], n);
            }
            String sha = tee.finish();
            ch.truncate(content.length);
            if (ch.size() < content.length) {
                ch.write(ByteBuffer.allocate(1), content.length - 1);
            }
            return new Outcome(Files.readAllBytes(out), sha, tee.gapBytes(), tee.written());
        }
    }

    @Test
    void readsInFileOrderAreCopiedOnceAndTheRestAtTheEnd() throws Exception {
        byte[] content = file(8 << 20, 1);
        List<long[]> reads = new ArrayList<>();
        // The caller skips a header and every fourth MiB, as a converter skips container metadata.
        for (long at = 4096; at < content.length - (1 << 20); at += 1 << 20) {
            if ((at >> 20) % 4 != 3) {
                reads.add(new long[] {at, (1 << 20) - 4096});
            }
        }
        Outcome o = tee(content, reads);
        assertArrayEquals(content, o.backup());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), o.sha());
        long readByCaller = reads.stream().mapToLong(r -> r[1]).sum();
        assertEquals(content.length - readByCaller, o.gapBytes(), "the tee read only what its caller did not");
        assertTrue(o.written() < content.length, "zero blocks are holes");
    }

    @Test
    void readsInAnyOrderStillMakeTheWholeBackupAndHash() throws Exception {
        byte[] content = file(6 << 20, 2);
        List<long[]> reads = new ArrayList<>();
        for (long at = 0; at < content.length; at += 300 * 512) {
            reads.add(new long[] {at, Math.min(300 * 512, content.length - at)});
        }
        Collections.shuffle(reads, new Random(3)); // blocks stored out of virtual order
        reads.add(new long[] {1000, 5000}); // and overlapping reads
        Outcome o = tee(content, reads);
        assertArrayEquals(content, o.backup());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), o.sha());
        assertTrue(o.gapBytes() <= content.length, "at worst the tee reads the file once itself");
    }
}
