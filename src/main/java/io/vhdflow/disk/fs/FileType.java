package io.vhdflow.disk.fs;

/** What a directory entry or inode is. */
public enum FileType {
    REGULAR, DIRECTORY, SYMLINK, CHARACTER_DEVICE, BLOCK_DEVICE, FIFO, SOCKET, UNKNOWN;

    /** The type encoded in the high bits of a POSIX {@code st_mode}. */
    public static FileType fromPosixMode(int mode) {
        return switch (mode & 0xF000) {
            case 0x8000 -> REGULAR;
            case 0x4000 -> DIRECTORY;
            case 0xA000 -> SYMLINK;
            case 0x2000 -> CHARACTER_DEVICE;
            case 0x6000 -> BLOCK_DEVICE;
            case 0x1000 -> FIFO;
            case 0xC000 -> SOCKET;
            default -> UNKNOWN;
        };
    }

    /**
     * The type byte Linux filesystems store in a directory entry (XFS with ftype, btrfs's
     * {@code BTRFS_FT_*}, ext4's {@code file_type}): 1 regular, 2 directory, 3 character device,
     * 4 block device, 5 FIFO, 6 socket, 7 symbolic link; anything else is {@link #UNKNOWN}.
     */
    public static FileType fromDirectoryEntryType(int type) {
        return switch (type) {
            case 1 -> REGULAR;
            case 2 -> DIRECTORY;
            case 3 -> CHARACTER_DEVICE;
            case 4 -> BLOCK_DEVICE;
            case 5 -> FIFO;
            case 6 -> SOCKET;
            case 7 -> SYMLINK;
            default -> UNKNOWN;
        };
    }
}
