package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An LVM2 metadata area: a 512-byte header followed by a circular buffer holding the volume group
 * configuration text. The newest text is the one the first raw location points to; when it runs
 * past the end of the area it continues right after the header.
 *
 * <pre>
 * mda_header:
 *   0x00  4  checksum_xl: LVM checksum of bytes 0x04..0x1FF
 *   0x04 16  magic " LVM2 x[5A%r0N*>"
 *   0x14  4  version (1)
 *   0x18  8  start: offset of this area from the PV start
 *   0x20  8  size of the area in bytes, header included
 *   0x28 ..  raw_locn[]: {offset u64 (from the area start), size u64, checksum u32, flags u32},
 *            ended by an all-zero entry; flag 1 = ignored copy
 * </pre>
 */
final class MetadataArea {
    static final int HEADER_SIZE = 512;
    static final byte[] MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.US_ASCII);
    static final int RAW_LOCN_IGNORED = 1;
    /** LVM's default area is 1 MiB and real VG texts are a few KiB; larger text is refused. */
    static final int MAX_TEXT = 4 * 1024 * 1024;

    private MetadataArea() {
    }

    /**
     * The current metadata text of the area at {@code area.offset} in {@code pv}, or empty when the
     * area holds none (a fresh PV not in any VG, or an ignored copy).
     *
     * @param base absolute offset of the PV in the disk, for error offsets
     */
    /** The metadata text and the absolute disk offset where it starts. */
    record Text(String text, long offset) {
    }

    static Optional<Text> readText(ByteSource pv, PhysicalVolumeLabel.Area area, long base, List<Finding> findings)
            throws IOException {
        String structure = "LVM metadata area header";
        long at = area.offset();
        if (at < 0 || at > pv.size() - HEADER_SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, base + Math.max(at, 0), "metadata area at PV offset " + at
                    + " lies beyond the PV (" + pv.size() + " bytes)");
        }
        ByteBuffer h = pv.readBuffer(at, HEADER_SIZE, structure);
        byte[] raw = new byte[HEADER_SIZE];
        h.get(0, raw);
        for (int i = 0; i < MAGIC.length; i++) {
            if (raw[4 + i] != MAGIC[i]) {
                throw new DiskException(ErrorKind.CORRUPT, structure, base + at + 4, "magic \" LVM2 x[5A%r0N*>\" missing");
            }
        }
        int crc = LvmChecksum.update(LvmChecksum.INITIAL, raw, 4, HEADER_SIZE - 4);
        if (crc != h.getInt(0)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, base + at, String.format(
                    "checksum mismatch (stored %08x, computed %08x)", h.getInt(0), crc));
        }
        long start = h.getLong(0x18);
        long size = h.getLong(0x20);
        if (start != at) {
            findings.add(new Finding("lvm.mda-start-mismatch", base + at + 0x18, "metadata area header says it starts at "
                    + start + " but the PV label places it at " + at));
        }
        if (size <= HEADER_SIZE || size > pv.size() - at) {
            throw new DiskException(ErrorKind.CORRUPT, structure, base + at + 0x20, "metadata area size " + size
                    + " does not fit the PV after offset " + at);
        }
        long textOff = h.getLong(0x28);
        long textSize = h.getLong(0x30);
        int textCrc = h.getInt(0x38);
        int flags = h.getInt(0x3C);
        if (textOff == 0 && textSize == 0) {
            return Optional.empty();
        }
        if ((flags & RAW_LOCN_IGNORED) != 0) {
            return Optional.empty();
        }
        if (textOff < HEADER_SIZE || textOff >= size) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM metadata location", base + at + 0x28, "text offset " + textOff
                    + " outside the circular buffer " + HEADER_SIZE + ".." + size);
        }
        if (textSize <= 0 || textSize > size - HEADER_SIZE || textSize > MAX_TEXT) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM metadata location", base + at + 0x30, "text size " + textSize
                    + " is impossible for an area of " + size + " bytes (limit " + MAX_TEXT + ")");
        }
        byte[] text = new byte[(int) textSize];
        long first = Math.min(textSize, size - textOff);
        pv.readFully(at + textOff, ByteBuffer.wrap(text, 0, (int) first), "LVM metadata text");
        if (first < textSize) {
            // Wrapped: the rest continues right after the area header.
            pv.readFully(at + HEADER_SIZE, ByteBuffer.wrap(text, (int) first, (int) (textSize - first)), "LVM metadata text");
        }
        int computed = LvmChecksum.update(LvmChecksum.INITIAL, text, 0, text.length);
        if (computed != textCrc) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM metadata text", base + at + textOff, String.format(
                    "checksum mismatch (stored %08x, computed %08x)", textCrc, computed));
        }
        int len = text.length;
        while (len > 0 && text[len - 1] == 0) {
            len--;
        }
        return Optional.of(new Text(new String(text, 0, len, StandardCharsets.UTF_8), base + at + textOff));
    }
}
