package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * LZNT1, the compression of NTFS compressed files (MS-XCA 2.5). A compression unit is a series of
 * chunks, each holding up to 4096 bytes of output:
 * <pre>
 *   chunk header u16: bits 0-11 = chunk data size - 1, bit 15 = compressed; 0 ends the unit
 *   uncompressed chunk: 4096 literal bytes
 *   compressed chunk: groups of a flag byte + 8 items; flag bit 0 = literal byte, 1 = u16 back
 *   reference whose split between offset and length depends on the position in the chunk
 *   (offset bits = max(4, bit length of (position - 1)), the rest length - 3)
 * </pre>
 * A chunk that decompresses to less than 4096 bytes is followed by zeros up to 4096 (as Windows
 * and ntfs-3g do).
 */
final class Lznt1 {
    static final int CHUNK = 4096;

    private Lznt1() {
    }

    /**
     * Decompresses {@code in[0, inLen)} into {@code out} (the whole compression unit); returns the
     * number of bytes produced (whole chunks).
     */
    static int decompress(byte[] in, int inLen, byte[] out, String structure, long abs) throws DiskException {
        int ip = 0;
        int op = 0;
        while (ip + 2 <= inLen && op < out.length) {
            int hdr = Fixups.u16(in, ip);
            if (hdr == 0) {
                break;
            }
            int size = (hdr & 0x0FFF) + 1;
            int dataStart = ip + 2;
            int dataEnd = dataStart + size;
            if (dataEnd > inLen) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + ip, "LZNT1 chunk of " + size + " bytes runs past the "
                        + inLen + " bytes of compressed data");
            }
            int chunkEnd = Math.min(op + CHUNK, out.length);
            if ((hdr & 0x8000) == 0) {
                int n = Math.min(size, chunkEnd - op);
                System.arraycopy(in, dataStart, out, op, n);
                op += n;
            } else {
                op = chunk(in, dataStart, dataEnd, out, op, chunkEnd, structure, abs);
            }
            while (op < chunkEnd) {
                out[op++] = 0;
            }
            ip = dataEnd;
        }
        return op;
    }

    private static int chunk(byte[] in, int ip, int end, byte[] out, int start, int chunkEnd, String structure,
                             long abs) throws DiskException {
        int op = start;
        while (ip < end) {
            int flags = in[ip++] & 0xFF;
            for (int bit = 0; bit < 8 && ip < end; bit++) {
                if ((flags & (1 << bit)) == 0) {
                    if (op >= chunkEnd) {
                        throw new DiskException(ErrorKind.CORRUPT, structure, abs + ip, "LZNT1 literal beyond the 4096-byte chunk");
                    }
                    out[op++] = in[ip++];
                    continue;
                }
                if (ip + 2 > end) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, abs + ip, "LZNT1 back reference truncated");
                }
                int token = Fixups.u16(in, ip);
                ip += 2;
                int pos = op - start;
                if (pos == 0) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, abs + ip - 2, "LZNT1 back reference at chunk start");
                }
                int lengthBits = 12;
                for (int i = pos - 1; i >= 0x10; i >>= 1) {
                    lengthBits--;
                }
                int offset = (token >>> lengthBits) + 1;
                int length = (token & ((1 << lengthBits) - 1)) + 3;
                if (offset > pos || op + length > chunkEnd) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, abs + ip - 2, "LZNT1 back reference (offset " + offset
                            + ", length " + length + ") outside the chunk");
                }
                for (int i = 0; i < length; i++) {
                    out[op] = out[op - offset];
                    op++;
                }
            }
        }
        return op;
    }
}
