package io.vhdflow.disk.fs;

import java.time.Instant;
import java.util.Optional;

/**
 * What is known about one file, mirroring {@code java.nio.file.attribute.PosixFileAttributes}.
 * Filesystems that lack a field (FAT has no owner, NTFS no POSIX mode) report {@code 0} or empty.
 *
 * @param type      file type
 * @param size      logical size in bytes
 * @param mode      POSIX permission bits including the type bits, or 0 when not stored
 * @param uid       owner user id, or 0
 * @param gid       owner group id, or 0
 * @param modified  last modification time
 * @param accessed  last access time
 * @param changed   inode / metadata change time
 * @param created   creation time when the filesystem records it
 * @param inode     inode number (MFT record number on NTFS, first cluster on FAT)
 * @param linkCount number of hard links
 */
public record FileAttributes(
        FileType type,
        long size,
        int mode,
        long uid,
        long gid,
        Optional<Instant> modified,
        Optional<Instant> accessed,
        Optional<Instant> changed,
        Optional<Instant> created,
        long inode,
        int linkCount) {

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isRegularFile() {
        return type == FileType.REGULAR;
    }

    public boolean isSymbolicLink() {
        return type == FileType.SYMLINK;
    }

    /** Permission bits only ({@code mode & 07777}). */
    public int permissions() {
        return mode & 07777;
    }
}
