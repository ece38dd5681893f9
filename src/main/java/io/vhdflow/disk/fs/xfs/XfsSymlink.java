package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A symbolic link's target as XFS stores it: inline in the data fork (local format) when it fits,
 * else in remote blocks mapped by the fork's extents. On v5 each remote buffer starts with a
 * 56-byte header, big-endian:
 * <pre>
 *   0 4 sl_magic  "XSLM"     4 4 sl_offset (of this part in the target)   8 4 sl_bytes (in this buffer)
 *  12 4 sl_crc    CRC32c over the buffer                                   16 16 sl_uuid
 *  32 8 sl_owner  the link's inode                                         40 8 sl_blkno   48 8 sl_lsn
 * </pre>
 * followed by its part of the target. A target needs at most {@value #MAX_SYMLINK_BLOCKS} blocks
 * even with 512-byte blocks, which caps each buffer.
 */
final class XfsSymlink {
    /** Longest symbolic link target XFS allows. */
    static final int MAX_SYMLINK = 1024;
    private static final int SYMLINK_MAGIC = 0x58534C4D; // "XSLM"
    private static final int SYMLINK_HDR_V5 = 56;
    /** Blocks a 1024-byte target can span with 512-byte blocks and per-buffer headers. */
    private static final int MAX_SYMLINK_BLOCKS = 4;

    private XfsSymlink() {
    }

    /** The target of symbolic link {@code link}: inline in the fork, or in remote blocks. */
    static String target(XfsSuperblock sb, ByteSource source, XfsInode link, Consumer<Finding> findings)
            throws IOException {
        String s = XfsInode.structure(link.ino) + " symlink";
        if (link.size == 0 || link.size > MAX_SYMLINK) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset + 56, "symbolic link length " + link.size
                    + " is outside 1.." + MAX_SYMLINK);
        }
        int len = (int) link.size;
        if (link.format == XfsInode.FMT_LOCAL) {
            if (len > link.forkSize()) {
                throw new DiskException(ErrorKind.CORRUPT, s, link.forkByteOffset(), "inline target of " + len
                        + " bytes exceeds the " + link.forkSize() + "-byte fork");
            }
            byte[] t = new byte[len];
            link.fork().get(0, t);
            return new String(t, StandardCharsets.UTF_8);
        }
        if (link.format != XfsInode.FMT_EXTENTS && link.format != XfsInode.FMT_BTREE) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset + 5, "symbolic link with data fork format " + link.format);
        }
        // Remote target: one buffer per extent, each with its XSLM header on v5 (see the class comment).
        byte[] target = new byte[len];
        int have = 0;
        XfsBmap map = new XfsBmap(sb, source, link, findings);
        for (Optional<XfsExtent> e = map.next(); e.isPresent() && have < len; e = map.next()) {
            XfsExtent x = e.get();
            if (x.count() > MAX_SYMLINK_BLOCKS) {
                throw new DiskException(ErrorKind.CORRUPT, s, link.forkByteOffset(), "remote symlink extent of " + x.count()
                        + " blocks, more than a " + MAX_SYMLINK + "-byte target needs");
            }
            long off = sb.fsbToByte(x.startBlock(), x.count(), s, link.forkByteOffset());
            byte[] buf = source.readBytes(off, (int) x.count() * sb.blockSize(), s);
            int dataAt = 0;
            int n = Math.min(len - have, buf.length);
            if (sb.isV5()) {
                ByteBuffer h = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
                if (h.getInt(0) != SYMLINK_MAGIC) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off, "remote symlink block lacks its XSLM magic");
                }
                int at = h.getInt(4);
                int bytes = h.getInt(8);
                if (at != have || bytes <= 0 || bytes > buf.length - SYMLINK_HDR_V5 || bytes > len - have) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off + 4, "remote symlink block claims bytes " + at + "+"
                            + bytes + " of a " + len + "-byte target");
                }
                if (h.getLong(32) != link.ino) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off + 32, "remote symlink block belongs to inode "
                            + h.getLong(32) + ", not " + link.ino);
                }
                if (!XfsChecksum.verify(buf, buf.length, 12)) {
                    XfsFindings.damaged(findings, new Finding("xfs.crc-mismatch", off, "remote symlink block of inode "
                            + link.ino + " fails its CRC32c check"), s);
                }
                dataAt = SYMLINK_HDR_V5;
                n = bytes;
            }
            System.arraycopy(buf, dataAt, target, have, n);
            have += n;
        }
        if (have < len) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset, "remote target has only " + have + " of " + len + " bytes mapped");
        }
        return new String(target, StandardCharsets.UTF_8);
    }
}
