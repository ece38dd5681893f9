package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * A block group descriptor: 32 bytes, or {@code s_desc_size} (≥ 64) with the 64bit feature.
 * Fields used (little-endian):
 *
 * <pre>
 * 0x00 4 bg_block_bitmap_lo   0x04 4 bg_inode_bitmap_lo   0x08 4 bg_inode_table_lo
 * 0x12 2 bg_flags (1 INODE_UNINIT, 2 BLOCK_UNINIT, 4 ITABLE_ZEROED)
 * 0x1E 2 bg_checksum (crc16 with gdt_csum; low 16 bits of crc32c with metadata_csum)
 * 0x28 4 bg_inode_table_hi (64bit only)
 * </pre>
 *
 * @param group      group number
 * @param offset     absolute byte offset of the descriptor
 * @param inodeTable first block of the group's inode table
 * @param flags      bg_flags
 */
record GroupDescriptor(long group, long offset, long inodeTable, int flags) {

    static GroupDescriptor parse(long group, byte[] block, int at, long offset, Superblock sb) throws DiskException {
        if (at < 0 || at + sb.descSize > block.length) {
            throw new DiskException(ErrorKind.CORRUPT, "ext4 group descriptor " + group, offset, "lies outside its block");
        }
        long table = Integer.toUnsignedLong(ExtentTree.u32(block, at + 0x08));
        if (sb.has64Bit()) {
            table |= Integer.toUnsignedLong(ExtentTree.u32(block, at + 0x28)) << 32;
        }
        return new GroupDescriptor(group, offset, table, ExtentTree.u16(block, at + 0x12));
    }

    /** The stored and computed checksums as text when they differ, else null; null too when the filesystem has none. */
    static String checksumProblem(long group, byte[] block, int at, Superblock sb) {
        int stored = ExtentTree.u16(block, at + 0x1E);
        int actual;
        byte[] le = {(byte) group, (byte) (group >>> 8), (byte) (group >>> 16), (byte) (group >>> 24)};
        byte[] zero = {0, 0};
        int tail = at + 0x20;
        int end = at + sb.descSize;
        if (sb.hasMetadataCsum()) {
            int c = Checksums.crc32c(sb.csumSeed(), le, 0, 4);
            c = Checksums.crc32c(c, block, at, 0x1E);
            c = Checksums.crc32c(c, zero, 0, 2);
            c = Checksums.crc32c(c, block, tail, end - tail);
            actual = c & 0xFFFF;
        } else if (sb.hasGdtCsum()) {
            int c = Checksums.crc16(0xFFFF, sb.uuid, 0, 16);
            c = Checksums.crc16(c, le, 0, 4);
            c = Checksums.crc16(c, block, at, 0x1E);
            if (sb.has64Bit()) {
                c = Checksums.crc16(c, block, tail, end - tail);
            }
            actual = c;
        } else {
            return null;
        }
        return stored == actual ? null : String.format("stored 0x%04x, computed 0x%04x", stored, actual);
    }
}
