package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Inodes by number: an inode number maps straight to its allocation group, block and slot
 * ({@link XfsSuperblock#inodeToByte}), so no allocation-group structure is read. Parsed inodes are
 * kept in a bounded LRU cache of {@value #INODE_CACHE}; a CRC mismatch is a finding. Thread-safe.
 */
final class XfsInodes {
    private static final int INODE_CACHE = 1024;

    private final XfsSuperblock sb;
    private final ByteSource source;
    private final Consumer<Finding> findings;
    private final Map<Long, XfsInode> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, XfsInode> eldest) {
            return size() > INODE_CACHE;
        }
    };

    XfsInodes(XfsSuperblock sb, ByteSource source, Consumer<Finding> findings) {
        this.sb = sb;
        this.source = source;
        this.findings = findings;
    }

    XfsInode inode(long ino) throws IOException {
        synchronized (cache) {
            XfsInode hit = cache.get(ino);
            if (hit != null) {
                return hit;
            }
        }
        String s = XfsInode.structure(ino);
        long off = sb.inodeToByte(ino, s, -1);
        byte[] raw = source.readBytes(off, sb.inodeSize(), s);
        XfsInode parsed = XfsInode.parse(sb, ino, off, raw);
        if (!parsed.crcValid) {
            XfsFindings.damaged(findings, new Finding("xfs.crc-mismatch", off, "inode " + ino + " fails its CRC32c check"), s);
        }
        synchronized (cache) {
            cache.put(ino, parsed);
        }
        return parsed;
    }
}
