package io.vhdflow.disk.container;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the compressed units of sparse images into buffers of a known size: qcow2 clusters
 * (raw deflate or zstd), VMDK grains (zlib). Every call is bounded by its output size: compressed
 * input that would produce more is cut off there (the formats say decompression stops when the
 * unit is full), input that produces less is an error. zstd contexts are pooled per image and
 * freed when it closes; zlib inflaters are cheap and made per call.
 */
final class Inflation implements Closeable {

    /** The algorithms met in the formats read here. */
    enum Algorithm {
        /** RFC 1951 deflate without a zlib header (qcow2 compression type 0). */
        DEFLATE_RAW,
        /** RFC 1950 zlib stream (VMDK compressed grains). */
        ZLIB,
        /** zstd frames (qcow2 compression type 1), possibly several, possibly followed by padding. */
        ZSTD
    }

    private final ConcurrentLinkedQueue<ZstdDecompressCtx> zstd = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * Inflates {@code src[0, srcLen)} into {@code dst[0, want)}.
     *
     * @param minimum the fewest bytes that must come out (usually {@code want})
     * @return the bytes produced, between {@code minimum} and {@code want}
     * @throws DiskException naming {@code structure} at {@code at} when the data does not inflate
     */
    int inflate(Algorithm algorithm, byte[] src, int srcLen, byte[] dst, int want, int minimum, String structure,
                long at) throws DiskException {
        int n = switch (algorithm) {
            case DEFLATE_RAW, ZLIB -> zlib(algorithm == Algorithm.DEFLATE_RAW, src, srcLen, dst, want, structure, at);
            case ZSTD -> zstd(src, srcLen, dst, want, structure, at);
        };
        if (n < minimum) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "compressed data of " + srcLen + " bytes inflates to "
                    + n + " bytes, fewer than the " + minimum + " the unit holds");
        }
        return n;
    }

    private static int zlib(boolean raw, byte[] src, int srcLen, byte[] dst, int want, String structure, long at)
            throws DiskException {
        Inflater inf = new Inflater(raw);
        try {
            inf.setInput(src, 0, srcLen);
            int n = 0;
            while (n < want) {
                int k = inf.inflate(dst, n, want - n);
                n += k;
                if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
            }
            return n;
        } catch (DataFormatException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, (raw ? "deflate" : "zlib") + " data is damaged: "
                    + e.getMessage());
        } finally {
            inf.end();
        }
    }

    private int zstd(byte[] src, int srcLen, byte[] dst, int want, String structure, long at) throws DiskException {
        ZstdDecompressCtx ctx = zstd.poll();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        boolean reusable = false;
        try {
            ByteBuffer in = ByteBuffer.wrap(src, 0, srcLen);
            ByteBuffer out = ByteBuffer.wrap(dst, 0, want);
            // Frames follow one another until the unit is full; what follows that is padding.
            int stalled = 0;
            while (out.hasRemaining() && in.hasRemaining() && stalled < 2) {
                int inBefore = in.position();
                int outBefore = out.position();
                ctx.decompressByteBufferStream(out, in);
                stalled = in.position() == inBefore && out.position() == outBefore ? stalled + 1 : 0;
            }
            ctx.reset();
            reusable = true;
            return out.position();
        } catch (ZstdException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "zstd data is damaged: " + e.getMessage());
        } finally {
            if (reusable && !closed) {
                zstd.add(ctx);
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ZstdDecompressCtx c;
        while ((c = zstd.poll()) != null) {
            c.close();
        }
    }
}
