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
}
