package io.vhdflow.disk.fs.ext4;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumsTest {

    @Test
    void rawCrc32cMatchesTheJdkAfterItsPresetAndFinalInversion() {
        Random rnd = new Random(5);
        for (int len : new int[] {0, 1, 4, 60, 1023, 4096}) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            CRC32C jdk = new CRC32C();
            jdk.update(b);
            assertEquals(jdk.getValue(), Integer.toUnsignedLong(~Checksums.crc32c(~0, b, 0, len)), "length " + len);
        }
        // Chaining two pieces equals one pass, which is how ext4 mixes seed, inode number and data.
        byte[] all = "ext4 metadata_csum".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Checksums.crc32c(~0, all, 0, all.length),
                Checksums.crc32c(Checksums.crc32c(~0, all, 0, 5), all, 5, all.length - 5));
    }

    @Test
    void crc16IsTheReflectedAnsiCrc() {
        // CRC-16/ARC check value for "123456789" (init 0, no final xor) is 0xBB3D.
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xBB3D, Checksums.crc16(0, check, 0, check.length));
    }
}
