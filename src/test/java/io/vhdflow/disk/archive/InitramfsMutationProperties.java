package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteArraySource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged initramfs images (real images with bytes overwritten or cut) are read to the end or
 * refused with a {@link DiskException}: never another exception, never a hang, never an
 * allocation the limits do not allow.
 */
class InitramfsMutationProperties {

    @Property(tries = 300)
    void damagedImagesFailOnlyWithDiskExceptions(@ForAll("images") String name, @ForAll @IntRange(min = 0, max = 1_000_000) int where,
                                                 @ForAll @IntRange(min = 1, max = 16) int count,
                                                 @ForAll @IntRange(min = 0, max = 255) int value,
                                                 @ForAll boolean cut) throws IOException {
        byte[] img = InitramfsTest.image(name);
        int at = where % img.length;
        byte[] mutated;
        if (cut) {
            mutated = java.util.Arrays.copyOf(img, at);
        } else {
            mutated = img.clone();
            for (int i = at; i < Math.min(img.length, at + count); i++) {
                mutated[i] = (byte) value;
            }
        }
        try {
            Initramfs.read(new ByteArraySource(mutated, name), new Initramfs.Limits(1 << 20, 64L << 20, 10_000),
                    (e, d) -> d.readNBytes(4096));
        } catch (DiskException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }

    @Provide
    Arbitrary<String> images() {
        return Arbitraries.of("compressed-gzip.img", "compressed-xz.img", "compressed-lz4.img", "compressed-zstd.img",
                "compressed-bzip2.img", "compressed-lzma.img", "crc.img", "debian-mkinitramfs-nohv.img");
    }
}
