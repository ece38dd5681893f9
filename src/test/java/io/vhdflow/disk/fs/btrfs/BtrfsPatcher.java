package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.testing.PatchedByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Corrupts a real btrfs image in an overlay the way a damaged disk or a hostile author would, and
 * re-signs what it touched (superblock, every DUP copy of a tree block) so the checksum is not what
 * stops the reader: the structure check under test is.
 */
final class BtrfsPatcher {
    private final PatchedByteSource src;
    private final BtrfsVolume v;

    BtrfsPatcher(PatchedByteSource src, BtrfsFilesystem clean) {
        this.src = src;
        this.v = clean.volume();
    }

    PatchedByteSource source() {
        return src;
    }

    /** Writes {@code width} little-endian bytes at superblock offset {@code at} and re-signs the primary. */
    BtrfsPatcher superblockLE(int at, long value, int width) throws IOException {
        src.patchLE(BtrfsSuperblock.PRIMARY + at, value, width);
        return resignSuperblock();
    }

    BtrfsPatcher resignSuperblock() throws IOException {
        byte[] raw = src.readBytes(BtrfsSuperblock.PRIMARY, BtrfsSuperblock.SIZE, "test");
        src.patch(BtrfsSuperblock.PRIMARY, java.util.Arrays.copyOf(v.sb.checksum().compute(raw, raw.length), v.sb.checksum().size));
        return this;
    }

    /** Patches bytes at {@code offsetInBlock} of the tree block at {@code logical}, in every copy, re-signed. */
    BtrfsPatcher block(long logical, int offsetInBlock, byte... bytes) throws IOException {
        for (long copy : v.chunks.map(logical, "test").copies()) {
            src.patch(copy + offsetInBlock, bytes);
            byte[] raw = src.readBytes(copy, v.sb.nodeSize(), "test");
            src.patch(copy, java.util.Arrays.copyOf(v.sb.checksum().compute(raw, raw.length), v.sb.checksum().size));
        }
        return this;
    }

    /** {@link #block} with a little-endian value. */
    BtrfsPatcher blockLE(long logical, int offsetInBlock, long value, int width) throws IOException {
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return block(logical, offsetInBlock, b);
    }

    /** Patches {@code width} little-endian bytes at {@code offsetInData} of an item's data. */
    BtrfsPatcher itemLE(TreeReader.Item item, int offsetInData, long value, int width) throws IOException {
        return blockLE(item.leaf(), offsetInBlock(item) + offsetInData, value, width);
    }

    int offsetInBlock(TreeReader.Item item) throws IOException {
        return (int) (item.at() - v.chunks.map(item.leaf(), "test").copies()[0]);
    }

    /** The item with {@code key} in subvolume tree {@code tree} of the clean image. */
    TreeReader.Item item(long tree, long objectId, int type, long offset) throws IOException {
        return v.trees.find(v.treeRoot(tree), new BtrfsKey(objectId, type, offset)).orElseThrow();
    }

    /** The index of a key in its leaf (for patching the item header). */
    static int indexIn(BtrfsVolume v, TreeReader.Item item) throws IOException {
        ByteBuffer b = src(v).readBuffer(v.chunks.map(item.leaf(), "t").copies()[0], v.sb.nodeSize(), "t");
        int n = b.getInt(96);
        for (int i = 0; i < n; i++) {
            if (BtrfsKey.read(b, TreeBlock.HEADER + i * TreeBlock.ITEM).equals(item.key())) {
                return i;
            }
        }
        throw new AssertionError("key not in its leaf");
    }

    private static io.vhdflow.disk.container.ByteSource src(BtrfsVolume v) {
        return v.source;
    }
}
