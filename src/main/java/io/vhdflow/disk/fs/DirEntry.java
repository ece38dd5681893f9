package io.vhdflow.disk.fs;

/**
 * One entry of a directory listing ({@code .} and {@code ..} are never listed).
 *
 * @param name  the entry's name as stored (decoded to a Java string)
 * @param type  the entry's type (from the directory entry when the filesystem stores it, else
 *              from the inode)
 * @param inode the inode / MFT record / first-cluster number that identifies the entry
 */
public record DirEntry(String name, FileType type, long inode) {
}
