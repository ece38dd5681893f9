package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * Decodes one LZ4 block (the LZ4 block format: sequences of a token, literal length, literals,
 * a 2-byte little-endian match offset and a match length) into an array, checking every length
 * and offset against both buffers. Written here rather than streamed through Commons Compress's
 * block decoder because a legacy-framed initramfs is a series of whole 8 MiB blocks, and decoding
 * them array to array is several times faster (bench/initramfs-inspect.sh).
 */
final class Lz4Block {

    private Lz4Block() {
    }

    /**
     * Decodes {@code src[0, srcLength)} into {@code dst}.
     *
     * @param at offset of the block in its stream, for errors
     * @return bytes written to {@code dst}
     */
    static int decode(byte[] src, int srcLength, byte[] dst, long at) throws DiskException {
        int s = 0;
        int d = 0;
        while (true) {
            if (s >= srcLength) {
                throw corrupt(at, "the block ends without its last literals");
            }
            int token = src[s++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (s >= srcLength) {
                        throw corrupt(at, "literal length runs past the block");
                    }
                    b = src[s++] & 0xFF;
                    literals += b;
                } while (b == 255 && literals < dst.length);
            }
            if (literals > srcLength - s || literals > dst.length - d) {
                throw corrupt(at, literals + " literals do not fit (" + (srcLength - s) + " left in the block, "
                        + (dst.length - d) + " in the output)");
            }
            System.arraycopy(src, s, dst, d, literals);
            s += literals;
            d += literals;
            if (s == srcLength) {
                return d; // the last sequence has literals only
            }
            if (s + 2 > srcLength) {
                throw corrupt(at, "match offset cut short");
            }
            int offset = (src[s] & 0xFF) | (src[s + 1] & 0xFF) << 8;
            s += 2;
            if (offset == 0 || offset > d) {
                throw corrupt(at, "match offset " + offset + " points before the start of the block output (" + d + " bytes)");
            }
            int match = (token & 0x0F) + 4;
            if ((token & 0x0F) == 15) {
                int b;
                do {
                    if (s >= srcLength) {
                        throw corrupt(at, "match length runs past the block");
                    }
                    b = src[s++] & 0xFF;
                    match += b;
                } while (b == 255 && match < dst.length);
            }
            if (match > dst.length - d) {
                throw corrupt(at, "a match of " + match + " bytes overflows the " + dst.length + "-byte block");
            }
            int from = d - offset;
            if (offset >= match) {
                System.arraycopy(dst, from, dst, d, match);
                d += match;
            } else {
                // Overlapping copy: repeats the last `offset` bytes, byte by byte as the format defines.
                for (int i = 0; i < match; i++) {
                    dst[d++] = dst[from + i];
                }
            }
        }
    }

    private static DiskException corrupt(long at, String problem) {
        return new DiskException(ErrorKind.CORRUPT, "LZ4 block", at, problem);
    }
}
