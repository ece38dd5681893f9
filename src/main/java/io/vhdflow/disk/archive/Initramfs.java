package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.SliceByteSource;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.PositionalInputStream;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Linux initramfs image the way the kernel unpacks it (layout in {@code package-info}):
 * segments of plain or compressed cpio archives, one after the other, streamed. Every entry is
 * handed to a {@link Visitor} with a stream of its data, which the visitor may read or ignore; the
 * reader never holds more than one entry's name and a decompressor's window. Bounded: the image's
 * size, the total of decompressed bytes and the number of entries are capped by {@link Limits};
 * the {@code 070702} data checksums are verified. Damage is a {@link DiskException} naming the
 * segment, the structure and its byte offset (in the file for plain segments, in the
 * decompressed stream for compressed ones).
 */
public final class Initramfs {

    /** Header size of a newc/crc cpio entry. */
    static final int HEADER = 110;
    /** Longest entry name accepted, like the kernel's {@code PATH_MAX}. */
    static final int MAX_NAME = 4096;
    static final String TRAILER = "TRAILER!!!";

    /**
     * Caps that keep a hostile image from exhausting memory or time.
     *
     * @param maxImageBytes        largest image read at all
     * @param maxUncompressedBytes largest total of cpio bytes (headers and data) over all segments
     * @param maxEntries           most entries over all segments
     */
    public record Limits(long maxImageBytes, long maxUncompressedBytes, int maxEntries) {
        /** 512 MiB image, 2 GiB unpacked, 500,000 entries: several times the largest distribution images. */
        public static final Limits DEFAULT = new Limits(512L << 20, 2L << 30, 500_000);
    }

    /**
     * One entry of an archive.
     *
     * @param name    path as stored, without a leading {@code ./} or {@code /} (e.g. {@code usr/lib/modules/...})
     * @param mode    {@code st_mode} as stored
     * @param size    data bytes (a symbolic link's target length)
     * @param segment index of the segment it is in, from 0
     * @param offset  offset of its header: in the file for a plain segment, in the decompressed
     *                stream for a compressed one
     */
    public record Entry(String name, int mode, long size, int segment, long offset) {
        public FileType type() {
            return FileType.fromPosixMode(mode);
        }
    }

    /**
     * One segment of the image.
     *
     * @param offset            byte offset in the image where it starts
     * @param compression       how it is stored
     * @param archives          cpio archives it held (each ends with {@code TRAILER!!!})
     * @param entries           entries it held, trailers not counted
     * @param uncompressedBytes cpio bytes it held
     */
    public record Segment(long offset, Compression compression, int archives, int entries, long uncompressedBytes) {
    }

    /** What was read: the segments in order. */
    public record Summary(List<Segment> segments) {
        public Summary {
            segments = List.copyOf(segments);
        }

        public int entries() {
            return segments.stream().mapToInt(Segment::entries).sum();
        }
    }

    /** Receives each entry; {@code data} is its content, readable up to {@link Entry#size()} bytes, valid during the call. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Entry entry, InputStream data) throws IOException;
    }

    private Initramfs() {
    }

    /** Reads {@code image} with the {@link Limits#DEFAULT default limits}. */
    public static Summary read(ByteSource image, Visitor visitor) throws IOException {
        return read(image, Limits.DEFAULT, visitor);
    }

    /** Reads every segment of {@code image}, handing each entry to {@code visitor}. */
    public static Summary read(ByteSource image, Limits limits, Visitor visitor) throws IOException {
        long size = image.size();
        if (size > limits.maxImageBytes()) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "initramfs " + image.describe(), -1,
                    size + " bytes, above the limit of " + limits.maxImageBytes());
        }
        Budget budget = new Budget(limits);
        List<Segment> segments = new ArrayList<>();
        long pos = skipZeros(image, 0);
        if (pos >= size) {
            throw new DiskException(ErrorKind.CORRUPT, "initramfs " + image.describe(), 0,
                    size == 0 ? "empty file" : "only zero bytes");
        }
        while (pos < size) {
            byte[] head = new byte[6];
            ByteBuffer hb = ByteBuffer.wrap(head, 0, (int) Math.min(6, size - pos));
            image.readFully(pos, hb, "initramfs segment header");
            int headLength = hb.position();
            long at = pos;
            Compression c = Compression.detect(head, headLength).orElseThrow(() -> new DiskException(ErrorKind.CORRUPT,
                    "initramfs segment " + segments.size(), at, "neither a cpio header (070701/070702) nor a "
                    + "compression magic the kernel reads (first bytes " + hex(head, headLength) + ")"));
            if (!c.readable()) {
                throw new DiskException(ErrorKind.UNSUPPORTED, "initramfs segment " + segments.size(), pos,
                        c.label() + (c == Compression.LZ4_FRAME
                                ? ": the kernel reads only the legacy LZ4 framing (lz4 -l)"
                                : " compression is not read"));
            }
            int index = segments.size();
            String where = "initramfs segment " + index + " (" + c.label() + ", at byte " + pos + ")";
            if (c == Compression.NONE) {
                // Plain: positions are the file's, so the next segment starts where this archive ended.
                CountingStream in = new CountingStream(new BufferedInputStream(from(image, pos), 1 << 16),
                        pos, budget, where, false);
                Segment s = readArchives(in, index, pos, c, visitor, where, true);
                segments.add(s);
                pos = skipZeros(image, in.position());
            } else {
                InputStream decoded;
                try {
                    decoded = c.open(new BufferedInputStream(from(image, pos), 1 << 16));
                } catch (DiskException e) {
                    throw e;
                } catch (IOException e) {
                    throw new DiskException(ErrorKind.CORRUPT, where, pos, "bad " + c.label() + " header: " + e.getMessage(), e);
                }
                try (InputStream d = decoded) {
                    CountingStream in = new CountingStream(d, 0, budget, where, true);
                    segments.add(readArchives(in, index, pos, c, visitor, where, false));
                }
                break;
            }
        }
        return new Summary(segments);
    }

    /**
     * Reads consecutive cpio archives from {@code in}: until the stream ends, or, when
     * {@code oneArchive}, until the first trailer.
     */
    private static Segment readArchives(CountingStream in, int index, long segmentOffset, Compression c,
                                        Visitor visitor, String where, boolean oneArchive) throws IOException {
        int archives = 0;
        int entries = 0;
        long start = in.position();
        byte[] header = new byte[HEADER];
        boolean inArchive = false;
        while (true) {
            if (!inArchive) {
                // Between archives the kernel skips NUL padding, which must keep 4-byte alignment.
                long zeros = in.skipZeros();
                if (zeros < 0) {
                    break;
                }
                if (((in.position() - start) & 3) != 0) {
                    throw new DiskException(ErrorKind.CORRUPT, where + " padding", in.position(),
                            "an archive starts at an offset that is not a multiple of 4 (the kernel's \"broken padding\")");
                }
            }
            long at = in.position();
            int got = in.readNBytes(header, 0, HEADER);
            if (got == 0 && !inArchive) {
                break;
            }
            if (got < HEADER) {
                throw new DiskException(ErrorKind.TRUNCATED, where + " cpio header", at,
                        "the data ends after " + got + " of its " + HEADER + " bytes");
            }
            CpioHeader h = CpioHeader.parse(header, where, at);
            byte[] nameBytes = new byte[(int) h.nameSize()];
            if (in.readNBytes(nameBytes, 0, nameBytes.length) < nameBytes.length) {
                throw new DiskException(ErrorKind.TRUNCATED, where + " cpio name", at + HEADER, "the data ends inside it");
            }
            if (nameBytes[nameBytes.length - 1] != 0) {
                throw new DiskException(ErrorKind.CORRUPT, where + " cpio name", at + HEADER, "not terminated by NUL");
            }
            String name = new String(nameBytes, 0, nameBytes.length - 1, StandardCharsets.UTF_8);
            in.skipExactly(pad4(HEADER + h.nameSize()), where + " cpio name padding");
            if (name.equals(TRAILER)) {
                archives++;
                inArchive = false;
                if (oneArchive) {
                    break;
                }
                continue;
            }
            inArchive = true;
            in.countEntry(at);
            entries++;
            Entry e = new Entry(strip(name), h.mode(), h.fileSize(), index, at);
            DataStream data = new DataStream(in, h.fileSize(), h.checksummed());
            visitor.visit(e, data);
            data.drain(where + " data of " + name);
            if (h.checksummed() && FileType.fromPosixMode(h.mode()) == FileType.REGULAR
                    && (data.sum & 0xFFFFFFFFL) != h.check()) {
                throw new DiskException(ErrorKind.CORRUPT, where + " entry " + name, at, String.format(
                        "data checksum 0x%08X, the header says 0x%08X", data.sum & 0xFFFFFFFFL, h.check()));
            }
            in.skipExactly(pad4(h.fileSize()), where + " data padding of " + name);
        }
        if (inArchive) {
            throw new DiskException(ErrorKind.TRUNCATED, where, in.position(), "the last archive has no " + TRAILER);
        }
        if (archives == 0) {
            throw new DiskException(ErrorKind.CORRUPT, where, segmentOffset, "holds no cpio archive");
        }
        return new Segment(segmentOffset, c, archives, entries, in.position() - start);
    }

    private static long pad4(long n) {
        return (4 - (n & 3)) & 3;
    }

    private static String strip(String name) {
        String s = name;
        while (s.startsWith("./") || s.startsWith("/")) {
            s = s.startsWith("./") ? s.substring(2) : s.substring(1);
        }
        return s.equals(".") ? "" : s;
    }

    /** A stream of {@code image} from {@code start} to its end. */
    private static InputStream from(ByteSource image, long start) throws IOException {
        return PositionalInputStream.of(new SliceByteSource(image, start, image.size() - start, image.describe()));
    }

    /** The first offset at or after {@code from} holding a non-zero byte, or the size. */
    private static long skipZeros(ByteSource image, long from) throws IOException {
        long size = image.size();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos < size) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - pos));
            image.readFully(pos, buf, "initramfs padding");
            for (int i = 0; i < buf.position(); i++) {
                if (buf.get(i) != 0) {
                    return pos + i;
                }
            }
            pos += buf.position();
        }
        return size;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02X", b[i] & 0xFF));
            if (i + 1 < n) {
                s.append(' ');
            }
        }
        return s.toString();
    }

    /** Caps shared by every segment of one image. */
    private static final class Budget {
        final Limits limits;
        long bytes;
        int entries;

        Budget(Limits limits) {
            this.limits = limits;
        }
    }

    /**
     * The cpio byte stream of one segment: counts position, enforces the byte budget, and turns a
     * decompressor's own exceptions into {@link DiskException}s naming the segment and offset.
     */
    private static final class CountingStream {
        private final InputStream in;
        private final Budget budget;
        private final String where;
        private final boolean compressed;
        private long position;
        private int peeked = -1;

        CountingStream(InputStream in, long start, Budget budget, String where, boolean compressed) {
            this.in = in;
            this.position = start;
            this.budget = budget;
            this.where = where;
            this.compressed = compressed;
        }

        long position() {
            return position;
        }

        int readNBytes(byte[] b, int off, int len) throws IOException {
            int total = 0;
            if (peeked >= 0 && len > 0) {
                b[off] = (byte) peeked;
                peeked = -1;
                total = 1;
                position++;
            }
            while (total < len) {
                int n = raw(b, off + total, len - total);
                if (n < 0) {
                    break;
                }
                total += n;
                position += n;
            }
            charge(total);
            return total;
        }

        /** Skips NUL bytes; the number skipped, or -1 when the stream ended. */
        long skipZeros() throws IOException {
            long n = 0;
            byte[] one = new byte[1];
            while (true) {
                if (peeked >= 0) {
                    return n;
                }
                int r = raw(one, 0, 1);
                if (r < 0) {
                    return -1;
                }
                if (r == 0) {
                    continue;
                }
                if (one[0] != 0) {
                    // Not consumed: un-count it, it is the first byte of the next header.
                    peeked = one[0] & 0xFF;
                    return n;
                }
                position++;
                charge(1);
                n++;
            }
        }

        void skipExactly(long n, String structure) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            long left = n;
            while (left > 0) {
                int got = readNBytes(buf, 0, (int) Math.min(left, buf.length));
                if (got == 0) {
                    throw new DiskException(ErrorKind.TRUNCATED, structure, position, "the data ends inside it");
                }
                left -= got;
            }
        }

        void countEntry(long at) throws DiskException {
            if (++budget.entries > budget.limits.maxEntries()) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, where, at,
                        "more than " + budget.limits.maxEntries() + " entries");
            }
        }

        private void charge(long n) throws DiskException {
            budget.bytes += n;
            if (budget.bytes > budget.limits.maxUncompressedBytes()) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, where, position,
                        "unpacks to more than " + budget.limits.maxUncompressedBytes() + " bytes");
            }
        }

        private int raw(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (DiskException e) {
                throw e;
            } catch (EOFException e) {
                throw new DiskException(ErrorKind.TRUNCATED, where, position,
                        "the compressed data ends early" + detail(e), e);
            } catch (IOException e) {
                if (!compressed) {
                    throw e;
                }
                throw new DiskException(ErrorKind.CORRUPT, where, position, "cannot decompress" + detail(e), e);
            } catch (RuntimeException e) {
                // Decompressors signal some damage with unchecked exceptions (e.g. an array index).
                throw new DiskException(ErrorKind.CORRUPT, where, position, "cannot decompress" + detail(e), e);
            }
        }

        private static String detail(Exception e) {
            return Optional.ofNullable(e.getMessage()).map(m -> ": " + m).orElse("");
        }
    }

    /** One entry's data: at most {@code size} bytes of the segment stream, summed for the crc format. */
    private static final class DataStream extends InputStream {
        private final CountingStream in;
        private final boolean sum32;
        private long left;
        long sum;

        DataStream(CountingStream in, long size, boolean sum32) {
            this.in = in;
            this.left = size;
            this.sum32 = sum32;
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
            if (left == 0) {
                return -1;
            }
            int n = in.readNBytes(b, off, (int) Math.min(len, left));
            if (n == 0) {
                return -1;
            }
            if (sum32) {
                for (int i = off; i < off + n; i++) {
                    sum += b[i] & 0xFF;
                }
            }
            left -= n;
            return n;
        }

        /** Reads what the visitor left, so the stream is at the entry's padding. */
        void drain(String structure) throws IOException {
            byte[] buf = new byte[(int) Math.min(left, 64 * 1024)];
            while (left > 0) {
                if (read(buf, 0, (int) Math.min(left, buf.length)) < 0) {
                    throw new DiskException(ErrorKind.TRUNCATED, structure, in.position(), left + " bytes missing");
                }
            }
        }

        @Override
        public void close() {
            // The segment stream is the reader's: a visitor closing its entry must not end it.
        }
    }
}
