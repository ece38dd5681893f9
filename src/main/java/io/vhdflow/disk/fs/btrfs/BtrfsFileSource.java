package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * A regular file's bytes read through its extent items: the extent covering a position is found
 * by a tree lookup (the last {@code EXTENT_DATA} key at or before it), holes (no extent, or
 * {@code disk_bytenr} 0) and prealloc extents read as zeros, compressed extents are decompressed
 * whole (at most 128 KiB) and the last one kept, so reading a compressed file front to back
 * decompresses each extent once and memory stays flat in file size.
 *
 * <p>Reads are serialised: the current extent and the decompressed bytes are shared state.
 */
final class BtrfsFileSource implements ByteSource {
    private final BtrfsVolume volume;
    private final BtrfsNode file;
    private final String path;
    private final long size;
    private FileExtent current;
    /** A hole known to cover [holeStart, holeEnd). */
    private long holeStart = -1;
    private long holeEnd = -1;
    private FileExtent decompressedFor;
    private byte[] decompressed;
    private final Decompressor decompressor = new Decompressor();

    BtrfsFileSource(BtrfsVolume volume, BtrfsNode file, String path) {
        this.volume = volume;
        this.file = file;
        this.path = path;
        this.size = file.inode().size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return "btrfs:" + path;
    }

    @Override
    public synchronized int read(long pos, ByteBuffer dst) throws IOException {
        int len = ByteSource.readableLength(pos, dst.remaining(), size);
        if (len <= 0) {
            return len;
        }
        int n;
        FileExtent e = locate(pos);
        if (e == null) {
            n = (int) Math.min(len, holeEnd - pos);
            zero(dst, n);
        } else {
            long inExtent = pos - e.fileOffset();
            n = (int) Math.min(len, e.end() - pos);
            if (e.zeros()) {
                zero(dst, n);
            } else if (e.type() == FileExtent.INLINE || e.compression() != Decompressor.NONE) {
                byte[] data = decompressed(e);
                long from = e.type() == FileExtent.INLINE ? inExtent : e.offset() + inExtent;
                int have = (int) Math.max(0, Math.min(n, data.length - from));
                dst.put(dst.position(), data, (int) from, have);
                dst.position(dst.position() + have);
                zero(dst, n - have);
            } else {
                volume.readLogical(e.diskBytenr() + e.offset() + inExtent, dst.slice(dst.position(), n),
                        BtrfsFilesystem.structure(file) + " data");
                dst.position(dst.position() + n);
            }
        }
        return n;
    }

    /** The extent covering {@code pos}, or null when it is in a hole (then {@link #holeEnd} is set). */
    private FileExtent locate(long pos) throws IOException {
        if (current != null && pos >= current.fileOffset() && pos < current.end()) {
            return current;
        }
        if (pos >= holeStart && pos < holeEnd) {
            return null;
        }
        TreeReader.Root root = volume.treeRoot(file.tree());
        Optional<TreeReader.Item> at = volume.trees.floor(root, new BtrfsKey(file.ino(), BtrfsKey.EXTENT_DATA, pos));
        long gapStart = 0;
        if (at.isPresent() && at.get().key().sameItem(file.ino(), BtrfsKey.EXTENT_DATA)) {
            FileExtent e = parse(at.get());
            if (pos < e.end()) {
                current = e;
                return e;
            }
            gapStart = e.end();
        }
        // A hole (no-holes, or past an inline extent): up to the next extent or the end of the file.
        TreeReader.Cursor c = volume.trees.seek(root, new BtrfsKey(file.ino(), BtrfsKey.EXTENT_DATA, pos + 1));
        Optional<TreeReader.Item> next = c.next();
        holeStart = Math.min(gapStart, pos);
        holeEnd = next.isPresent() && next.get().key().sameItem(file.ino(), BtrfsKey.EXTENT_DATA)
                ? Math.min(size, next.get().key().offset()) : size;
        return null;
    }

    private FileExtent parse(TreeReader.Item item) throws IOException {
        return FileExtent.parse(file.ino(), item.key().offset(), item.data(), item.at(), volume.sb.sectorSize());
    }

    /** The uncompressed bytes of an inline or compressed extent, decompressed once while it is current. */
    private byte[] decompressed(FileExtent e) throws IOException {
        if (e.equals(decompressedFor)) {
            return decompressed;
        }
        String s = BtrfsFilesystem.structure(file) + " extent at file offset " + e.fileOffset();
        byte[] data;
        if (e.type() == FileExtent.INLINE) {
            data = e.compression() == Decompressor.NONE ? e.inline()
                    : decompressor.decompress(e.compression(), e.inline(), (int) e.ramBytes(), volume.sb.sectorSize(), s, e.at());
        } else {
            byte[] raw = new byte[(int) e.diskNumBytes()];
            volume.readLogical(e.diskBytenr(), ByteBuffer.wrap(raw), s);
            data = decompressor.decompress(e.compression(), raw, (int) e.ramBytes(), volume.sb.sectorSize(), s, e.at());
        }
        decompressedFor = e;
        decompressed = data;
        return data;
    }

    /** Ends the zlib inflater now (a source never closed has it ended when collected). */
    @Override
    public synchronized void close() {
        decompressor.close();
    }

    private static void zero(ByteBuffer dst, int n) {
        if (n <= 0) {
            return;
        }
        if (dst.hasArray()) {
            int from = dst.arrayOffset() + dst.position();
            Arrays.fill(dst.array(), from, from + n, (byte) 0);
        } else {
            dst.put(dst.position(), new byte[n]);
        }
        dst.position(dst.position() + n);
    }
}
