package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes of a FAT volume and where they start on the disk. Errors name disk offsets, not
 * volume offsets, so that the structure an error names can be found in the whole image.
 *
 * @param bytes the volume
 * @param base  absolute offset of the volume in the disk
 */
record FatVolume(ByteSource bytes, long base) {

    /** Reads from the volume, reporting a failure at its absolute disk offset rather than the volume's. */
    void readFully(long at, ByteBuffer dst, String structure) throws IOException {
        try {
            bytes.readFully(at, dst, structure);
        } catch (DiskException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, base + at, problemOf(e), e);
        }
    }

    /** {@code e}, raised at a volume offset, moved to its disk offset. */
    DiskException onDisk(DiskException e) {
        return new DiskException(ErrorKind.CORRUPT, e.structure(), base + e.offset(), problemOf(e));
    }

    private static String problemOf(DiskException e) {
        String m = e.getMessage();
        int i = m.indexOf(": ");
        return i >= 0 ? m.substring(i + 2) : m;
    }
}
