package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.FileType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Linear directory entries ({@code ext4_dir_entry_2}), packed in a directory block or in inline
 * data; each entry (little-endian):
 *
 * <pre>
 * 0x0 4 inode (0: unused slot)   0x4 2 rec_len (to the next entry; multiple of 4)
 * 0x6 1 name_len                 0x7 1 file_type (with the filetype feature; else name_len's high byte)
 * 0x8   name (name_len bytes, not NUL-terminated)
 * </pre>
 * Hashed (htree) directories are read linearly too: the index root hides inside the ".." entry's
 * rec_len, an index node is one unused entry covering its block, and the metadata_csum tail is an
 * unused 12-byte entry, so only real entries have a non-zero inode.
 */
final class DirectoryBlock {
    /** file_type values of the filetype feature. */
    private static final FileType[] TYPES = {FileType.UNKNOWN, FileType.REGULAR, FileType.DIRECTORY,
        FileType.CHARACTER_DEVICE, FileType.BLOCK_DEVICE, FileType.FIFO, FileType.SOCKET, FileType.SYMLINK};

    /** Receives entries; returns false to stop early. */
    interface Visitor {
        boolean entry(String name, long inode, FileType type) throws IOException;
    }

    private DirectoryBlock() {
    }

    /**
     * Visits the entries in {@code buf[from, to)}.
     *
     * @param absolute    absolute byte offset of {@code buf[0]} in the source, for errors
     * @param blockSize   the filesystem block size (rec_len 0 or 65535 mean 65536 only for 64 KiB blocks)
     * @return false when the visitor stopped early
     */
    static boolean visit(byte[] buf, int from, int to, long absolute, String structure, Superblock sb,
                         Visitor visitor) throws IOException {
        int off = from;
        while (off < to) {
            if (to - off < 8) {
                throw new DiskException(ErrorKind.CORRUPT, structure, absolute + off, "a directory entry header needs 8 bytes but "
                        + (to - off) + " remain");
            }
            long ino = Integer.toUnsignedLong(ExtentTree.u32(buf, off));
            int recLen = ExtentTree.u16(buf, off + 4);
            if (sb.blockSize >= 65536 && (recLen == 0 || recLen == 65535)) {
                recLen = 65536;
            }
            int nameLen = buf[off + 6] & 0xFF;
            int rawType = buf[off + 7] & 0xFF;
            if (!sb.hasFiletype()) {
                nameLen |= rawType << 8;
                rawType = 0;
            }
            if (recLen < 8 || (recLen & 3) != 0 || recLen > to - off) {
                throw new DiskException(ErrorKind.CORRUPT, structure, absolute + off, "directory entry rec_len " + recLen
                        + " is not a multiple of 4 between 8 and the " + (to - off) + " bytes left in the block");
            }
            if (ino != 0 && 8 + nameLen > recLen) {
                throw new DiskException(ErrorKind.CORRUPT, structure, absolute + off, "directory entry name_len " + nameLen
                        + " does not fit rec_len " + recLen);
            }
            if (ino != 0 && nameLen > 0) {
                if (ino > sb.inodesCount) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, absolute + off, "directory entry names inode " + ino
                            + " beyond the " + sb.inodesCount + " inodes of the filesystem");
                }
                boolean dots = (nameLen == 1 && buf[off + 8] == '.')
                        || (nameLen == 2 && buf[off + 8] == '.' && buf[off + 9] == '.');
                if (!dots) {
                    String name = new String(buf, off + 8, nameLen, StandardCharsets.UTF_8);
                    FileType type = rawType < TYPES.length ? TYPES[rawType] : FileType.UNKNOWN;
                    if (!visitor.entry(name, ino, type)) {
                        return false;
                    }
                }
            }
            off += recLen;
        }
        return true;
    }
}
