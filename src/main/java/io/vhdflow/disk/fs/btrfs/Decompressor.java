package io.vhdflow.disk.fs.btrfs;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses one btrfs compressed extent (or compressed inline extent) into exactly its
 * {@code ram_bytes}, as the kernel does: output the stream does not fill reads as zeros, output
 * beyond {@code ram_bytes} is an error. Every extent is at most {@link #MAX_UNCOMPRESSED} bytes, so
 * the memory one read needs is bounded.
 *
 * <ul>
 *   <li>zlib (1): one zlib stream (RFC 1950, with header).</li>
 *   <li>lzo (2): btrfs's own framing around LZO1X: a 4-byte little-endian total length (itself
 *       included), then segments, each a 4-byte little-endian length and that many bytes of LZO1X
 *       decompressing to one sector (the last to the rest); a segment header never straddles a
 *       sector boundary: when fewer than 4 bytes remain in the sector they are padding.</li>
 *   <li>zstd (3): one zstd frame, window at most 2^17 ({@code ZSTD_BTRFS_MAX_WINDOWLOG}).</li>
 * </ul>
 *
 * <p>One decompressor per reader keeps its zlib inflater between extents (a file is a run of 128 KiB
 * extents); it is not for concurrent use. A zstd context is native memory nothing would free if a
 * reader were never closed, so each zstd extent gets its own, closed when the extent is done.
 */
final class Decompressor implements AutoCloseable {
    static final int NONE = 0;
    static final int ZLIB = 1;
    static final int LZO = 2;
    static final int ZSTD = 3;
    /** {@code BTRFS_MAX_UNCOMPRESSED} and {@code BTRFS_MAX_COMPRESSED}: 128 KiB. */
    static final int MAX_UNCOMPRESSED = 128 * 1024;
    private static final int ZSTD_MAX_WINDOW_LOG = 17;
    private static final int LZO_LEN = 4;

    private Inflater inflater;

    static String name(int type) {
        return switch (type) {
            case NONE -> "none";
            case ZLIB -> "zlib";
            case LZO -> "lzo";
            case ZSTD -> "zstd";
            default -> "unknown (" + type + ")";
        };
    }

    /**
     * @param type       the extent's compression
     * @param in         the compressed bytes
     * @param outLen     {@code ram_bytes}
     * @param sectorSize the filesystem's sector size (LZO segment size)
     * @param structure  names the extent in errors
     * @param at         physical offset of the compressed bytes, for errors
     */
    byte[] decompress(int type, byte[] in, int outLen, int sectorSize, String structure, long at) throws DiskException {
        if (outLen < 0 || outLen > MAX_UNCOMPRESSED) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "uncompressed size " + outLen + " is above "
                    + MAX_UNCOMPRESSED);
        }
        byte[] out = new byte[outLen];
        switch (type) {
            case ZLIB -> zlib(in, out, structure, at);
            case LZO -> lzo(in, out, sectorSize, structure, at);
            case ZSTD -> zstd(in, out, structure, at);
            default -> throw new DiskException(ErrorKind.UNSUPPORTED, structure, at, "compression type " + type
                    + " is not one btrfs defines (zlib, lzo, zstd)");
        }
        return out;
    }

    private void zlib(byte[] in, byte[] out, String structure, long at) throws DiskException {
        if (inflater == null) {
            inflater = new Inflater();
        }
        Inflater inf = inflater;
        inf.reset();
        try {
            inf.setInput(in);
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n == out.length && !inf.finished() && inf.getRemaining() > 0) {
                // More output than ram_bytes: ask for one more byte to tell "ended exactly" from "too long".
                byte[] one = new byte[1];
                if (inf.inflate(one) > 0) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, at, "zlib stream decompresses to more than "
                            + out.length + " bytes");
                }
            }
        } catch (DataFormatException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "zlib stream is damaged: " + e.getMessage());
        }
    }

    private static void lzo(byte[] in, byte[] out, int sectorSize, String structure, long at) throws DiskException {
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        if (in.length < LZO_LEN) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "lzo extent of " + in.length + " bytes has no header");
        }
        long total = b.getInt(0) & 0xFFFFFFFFL;
        if (total < LZO_LEN || total > in.length) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "lzo total length " + total + " is outside "
                    + LZO_LEN + ".." + in.length);
        }
        int worst = sectorSize + sectorSize / 16 + 64 + 3;
        int pos = LZO_LEN;
        int produced = 0;
        while (pos < total && produced < out.length) {
            int left = sectorSize - pos % sectorSize;
            if (left < LZO_LEN) {
                pos += left;
                if (pos >= total) {
                    break;
                }
            }
            if (total - pos < LZO_LEN) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at + pos, "lzo segment header cut off at the end");
            }
            long seg = b.getInt(pos) & 0xFFFFFFFFL;
            pos += LZO_LEN;
            if (seg == 0 || seg > worst || seg > total - pos) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at + pos - LZO_LEN, "lzo segment of " + seg
                        + " bytes (at most " + worst + ", " + (total - pos) + " left)");
            }
            int cap = Math.min(sectorSize, out.length - produced);
            try {
                produced += Lzo1x.decompress(in, pos, (int) seg, out, produced, cap);
            } catch (Lzo1x.Failure f) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at + pos + f.position, "lzo segment is damaged: "
                        + f.getMessage());
            }
            pos += (int) seg;
        }
    }

    private void zstd(byte[] in, byte[] out, String structure, long at) throws DiskException {
        // The frame is followed by zero padding up to the sector: decode the one frame only, so the
        // padding is not taken for a next frame when the frame holds less than ram_bytes (a file's
        // last extent, whose ram_bytes is rounded up to the sector).
        long frame;
        try {
            frame = Zstd.findFrameCompressedSize(in, 0, in.length);
        } catch (RuntimeException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "zstd frame is damaged: " + e.getMessage());
        }
        if (Zstd.isError(frame) || frame <= 0 || frame > in.length) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "zstd frame is damaged: "
                    + (Zstd.isError(frame) ? Zstd.getErrorName(frame) : "frame size " + frame));
        }
        try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
            zstd.setLongMax(ZSTD_MAX_WINDOW_LOG);
            // Output the frame does not fill stays zero, as the kernel leaves it; more than out.length is an error.
            zstd.decompressByteArray(out, 0, out.length, in, 0, (int) frame);
        } catch (RuntimeException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "zstd frame is damaged: " + e.getMessage());
        }
    }

    /** Ends the inflater now rather than when it is collected. */
    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
