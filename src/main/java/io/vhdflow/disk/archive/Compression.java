package io.vhdflow.disk.archive;

import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * How a segment of an initramfs is stored, recognised by its first bytes the way the kernel's
 * {@code lib/decompress.c} recognises it. Only the formats the kernel itself can unpack are
 * readable; the others are named so the report can say why an image would not boot.
 */
public enum Compression {
    /** A plain cpio archive ({@code 070701} / {@code 070702}). */
    NONE("none", true),
    GZIP("gzip", true),
    BZIP2("bzip2", true),
    XZ("xz", true),
    LZMA("lzma", true),
    ZSTD("zstd", true),
    /** {@code lz4 -l}: the legacy framing, the only LZ4 form the kernel reads. */
    LZ4_LEGACY("lz4-legacy", true),
    /** The LZ4 frame format: the kernel cannot unpack it. */
    LZ4_FRAME("lz4-frame", false),
    /** lzop: the kernel reads it when built with it; this reader does not. */
    LZO("lzo", false);

    /** Memory a hostile xz or lzma header may make the decompressor allocate, in KiB (128 MiB). */
    static final int MEMORY_LIMIT_KIB = 128 * 1024;
    /** Largest zstd window accepted, as a power of two (128 MiB, zstd's own default limit). */
    static final int ZSTD_WINDOW_LOG_MAX = 27;

    private final String label;
    private final boolean readable;

    Compression(String label, boolean readable) {
        this.label = label;
        this.readable = readable;
    }

    /** Name in reports: {@code zstd}, {@code lz4-legacy}, ... */
    public String label() {
        return label;
    }

    /** Whether this reader unpacks it. */
    public boolean readable() {
        return readable;
    }

    /** The format whose magic {@code head} starts with; empty when none is recognised. */
    public static Optional<Compression> detect(byte[] head, int length) {
        if (startsWith(head, length, '0', '7', '0', '7', '0') && length >= 6 && (head[5] == '1' || head[5] == '2')) {
            return Optional.of(NONE);
        }
        if (startsWith(head, length, 0x1F, 0x8B) || startsWith(head, length, 0x1F, 0x9E)) {
            return Optional.of(GZIP);
        }
        if (startsWith(head, length, 'B', 'Z', 'h')) {
            return Optional.of(BZIP2);
        }
        if (startsWith(head, length, 0xFD, '7', 'z', 'X', 'Z', 0x00)) {
            return Optional.of(XZ);
        }
        if (startsWith(head, length, 0x5D, 0x00, 0x00)) {
            return Optional.of(LZMA);
        }
        if (startsWith(head, length, 0x28, 0xB5, 0x2F, 0xFD)) {
            return Optional.of(ZSTD);
        }
        if (startsWith(head, length, 0x02, 0x21, 0x4C, 0x18)) {
            return Optional.of(LZ4_LEGACY);
        }
        if (startsWith(head, length, 0x04, 0x22, 0x4D, 0x18)) {
            return Optional.of(LZ4_FRAME);
        }
        if (startsWith(head, length, 0x89, 'L', 'Z', 'O')) {
            return Optional.of(LZO);
        }
        return Optional.empty();
    }

    /** A stream of the decompressed content of {@code in}, which starts at this format's magic. */
    InputStream open(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GzipCompressorInputStream(in, true);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> new XZCompressorInputStream(in, true, MEMORY_LIMIT_KIB);
            case LZMA -> new LZMACompressorInputStream(in, MEMORY_LIMIT_KIB);
            case ZSTD -> new ZstdInputStream(in).setContinuous(false).setLongMax(ZSTD_WINDOW_LOG_MAX);
            case LZ4_LEGACY -> new LegacyLz4InputStream(in);
            case LZ4_FRAME, LZO -> throw new IllegalStateException(label + " is not readable");
        };
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
