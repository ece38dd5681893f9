package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The members of an OVA, a tar archive (read with Commons Compress): each member's data is one
 * contiguous byte range of the file, so a disk inside is read in place, never unpacked. The
 * listing reads only the tar headers (and long-name records), at most {@link #MAX_HEADER_BYTES}
 * of them, so an archive of millions of tiny members cannot exhaust memory.
 */
final class OvaArchive {
    /** Header bytes read while listing: 8192 members of 512-byte headers. */
    static final long MAX_HEADER_BYTES = 4L << 20;

    /**
     * One member.
     *
     * @param name       its name in the archive
     * @param dataOffset where its data starts in the file
     * @param size       its data's length
     * @param regular    whether it is a regular file (not a directory, link, device)
     * @param sparse     whether it is a GNU/PAX sparse member (not contiguous)
     */
    record Member(String name, long dataOffset, long size, boolean regular, boolean sparse) {
    }

    private OvaArchive() {
    }

    /** Lists the members of the tar in {@code file}. */
    static List<Member> members(ByteSource file) throws IOException {
        Channel ch = new Channel(file);
        List<TarArchiveEntry> entries;
        try (TarFile tar = new TarFile(ch, 10240, 512, null, false)) {
            entries = tar.getEntries();
        } catch (LimitReached e) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "OVA tar headers", 0, "listing the archive read more than "
                    + MAX_HEADER_BYTES + " bytes of headers: it holds far more members than an OVA");
        } catch (IOException | RuntimeException e) {
            if (e instanceof DiskException d) {
                throw d;
            }
            if (ch.endReached || runsPastEnd(file, ch.lastHeader)) {
                // A header was looked for where the file had already ended: the archive was cut short.
                throw new DiskException(ErrorKind.TRUNCATED, "OVA tar headers", ch.lastHeader, "the archive ends ("
                        + file.size() + " bytes) inside a member or before the header that should follow it;"
                        + " it was cut short");
            }
            throw new DiskException(ErrorKind.CORRUPT, "OVA tar headers", ch.lastHeader, "the tar archive is damaged: "
                    + e.getMessage());
        }
        List<Member> out = new ArrayList<>();
        for (TarArchiveEntry e : entries) {
            long size = e.isSparse() ? e.getRealSize() : e.getSize();
            if (e.getDataOffset() < 0 || size < 0 || e.getDataOffset() > file.size() || size > file.size() - e.getDataOffset()) {
                throw new DiskException(ErrorKind.TRUNCATED, "OVA member " + e.getName(), e.getDataOffset(), "its "
                        + size + " bytes run past the end of the archive (" + file.size() + " bytes)");
            }
            out.add(new Member(e.getName(), e.getDataOffset(), size, e.isFile(), e.isSparse() || !e.isStreamContiguous()));
        }
        return out;
    }

    /**
     * Whether the ustar header at {@code at} gives its member more data than the file has left.
     * Header fields (POSIX ustar): name at 0 (100 bytes), size at 124 (12 bytes, octal digits, or
     * base-256 when the first byte has its high bit set); the data follows the 512-byte header.
     */
    private static boolean runsPastEnd(ByteSource file, long at) {
        if (at < 0 || at > file.size() - 512) {
            return false;
        }
        try {
            byte[] h = file.readBytes(at, 512, "tar header");
            long size = 0;
            boolean base256 = (h[124] & 0x80) != 0;
            for (int i = base256 ? 125 : 124; i < 136; i++) {
                int c = h[i] & 0xFF;
                if (!base256 && c == ' ' && size == 0) {
                    continue;
                }
                if (!base256 && (c < '0' || c > '7')) {
                    break;
                }
                if (size > Long.MAX_VALUE >> 8) {
                    return true;
                }
                size = base256 ? size << 8 | c : size * 8 + (c - '0');
            }
            return size < 0 || size > file.size() - at - 512;
        } catch (IOException e) {
            return false;
        }
    }

    /** Thrown inside the listing when the header budget is spent. */
    private static final class LimitReached extends IOException {
        private static final long serialVersionUID = 1L;

        LimitReached() {
            super("header budget spent");
        }
    }

    /** A read-only channel over a {@link ByteSource} that counts the bytes read through it. */
    private static final class Channel implements SeekableByteChannel {
        private final ByteSource source;
        private long position;
        private long readBytes;
        private long lastHeader;
        private boolean endReached;
        private boolean open = true;

        Channel(ByteSource source) {
            this.source = source;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            if (readBytes + dst.remaining() > MAX_HEADER_BYTES) {
                throw new LimitReached();
            }
            lastHeader = position;
            int wanted = dst.remaining();
            int n = source.read(position, dst);
            if (n < wanted && position + Math.max(n, 0) >= source.size()) {
                endReached = true;
            }
            if (n > 0) {
                position += n;
                readBytes += n;
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return source.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
