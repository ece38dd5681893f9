package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import java.io.IOException;
import java.io.InputStream;

/**
 * The LZ4 legacy framing ({@code lz4 -l}, read by the kernel's {@code lib/decompress_unlz4.c}): a
 * magic, then chunks of a little-endian compressed size and one LZ4 block of at most 8 MiB
 * decompressed, each decoded by {@link Lz4Block}.
 * Offsets in errors count bytes of this stream from its magic.
 */
final class LegacyLz4InputStream extends InputStream {

    static final int MAGIC = 0x184C2102;
    /** Decompressed size of every chunk but the last. */
    static final int BLOCK_SIZE = 8 << 20;
    /** LZ4_COMPRESSBOUND(8 MiB): the largest compressed chunk that can hold 8 MiB. */
    static final int MAX_CHUNK = BLOCK_SIZE + BLOCK_SIZE / 255 + 16;

    private final InputStream in;
    private byte[] chunk = new byte[0];
    private final byte[] block = new byte[BLOCK_SIZE];
    private int blockLength;
    private int blockPos;
    private long consumed;
    private boolean ended;

    LegacyLz4InputStream(InputStream in) throws IOException {
        this.in = in;
        int magic = readLe32();
        if (magic != MAGIC) {
            throw new DiskException(ErrorKind.CORRUPT, "LZ4 legacy stream", 0,
                    String.format("magic 0x%08X, expected 0x%08X", magic, MAGIC));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (blockPos == blockLength) {
            if (ended || !nextBlock()) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, blockLength - blockPos);
        System.arraycopy(block, blockPos, b, off, n);
        blockPos += n;
        return n;
    }

    /** Decodes the next chunk into {@link #block}; false at the end of the stream. */
    private boolean nextBlock() throws IOException {
        int size;
        long at;
        do {
            at = consumed;
            byte[] head = in.readNBytes(4);
            consumed += head.length;
            if (head.length == 0) {
                return false;
            }
            if (head.length < 4) {
                throw new DiskException(ErrorKind.TRUNCATED, "LZ4 legacy chunk size", at, "the stream ends inside it");
            }
            size = (head[0] & 0xFF) | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16 | (head[3] & 0xFF) << 24;
        } while (size == MAGIC);
        if (size == 0) {
            // Zero padding after the last chunk (images are padded to a block boundary).
            return false;
        }
        if (size < 0 || size > MAX_CHUNK) {
            throw new DiskException(ErrorKind.CORRUPT, "LZ4 legacy chunk size", at,
                    Integer.toUnsignedString(size) + " bytes, above the largest chunk of an 8 MiB block (" + MAX_CHUNK + ")");
        }
        if (chunk.length < size) {
            chunk = new byte[Math.max(size, Math.min(MAX_CHUNK, chunk.length * 2))];
        }
        int got = in.readNBytes(chunk, 0, size);
        consumed += got;
        if (got < size) {
            throw new DiskException(ErrorKind.TRUNCATED, "LZ4 legacy chunk", at,
                    "declares " + size + " bytes but the stream ends after " + got);
        }
        blockPos = 0;
        blockLength = Lz4Block.decode(chunk, size, block, at);
        return true;
    }

    private int readLe32() throws IOException {
        byte[] b = in.readNBytes(4);
        consumed += b.length;
        if (b.length < 4) {
            throw new DiskException(ErrorKind.TRUNCATED, "LZ4 legacy magic",
                    consumed - b.length, "the stream ends inside it");
        }
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
