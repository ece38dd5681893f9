package io.vhdflow.disk.fs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Optional;

/**
 * A read-only filesystem inside an image, shaped like {@code java.nio.file.Files}: the one API
 * every format (ext2/3/4, XFS, NTFS, FAT, btrfs) and every composition of them ({@link MountedView})
 * offers to the checks. Paths are absolute, '/'-separated strings ({@code "/etc/os-release"});
 * Windows filesystems match names case-insensitively and also accept '\\'. Symbolic links are
 * followed only inside the tree: an absolute target resolves against the root, {@code ..} never
 * climbs above it, and a resolution that follows more than {@link NodeFilesystem#MAX_SYMLINKS}
 * links fails with {@link java.nio.file.FileSystemLoopException}.
 *
 * <p>Failures: a missing path is {@link NoSuchFileException}; a non-directory where a directory is
 * needed is {@link NotDirectoryException}; a damaged structure is a
 * {@link io.vhdflow.disk.DiskException} naming it and its byte offset.
 */
public interface Filesystem extends Closeable {

    /** Short type name: {@code ext2}, {@code ext3}, {@code ext4}, {@code xfs}, {@code ntfs}, {@code fat32}, ... */
    String type();

    /** Volume label when the filesystem has one. */
    Optional<String> label();

    /** Filesystem UUID or serial number as text, when it has one. */
    Optional<String> uuid();

    /**
     * Conditions noticed while opening or reading that did not stop reading: not cleanly
     * unmounted, journal or log needing recovery, checksum mismatches.
     */
    default List<Finding> findings() {
        return List.of();
    }

    /**
     * The structures that reads so far found damaged (corrupt or truncated), each naming the
     * structure and its byte: unlike {@link #findings()}, damage that stopped a read.
     */
    default List<Finding> damagedReads() {
        return List.of();
    }

    /** Attributes of the file at {@code path}, following a final symbolic link. */
    FileAttributes stat(String path) throws IOException;

    /** Attributes of the file at {@code path} itself, not following a final symbolic link. */
    FileAttributes lstat(String path) throws IOException;

    /** The entries of the directory at {@code path}, without {@code .} and {@code ..}. */
    List<DirEntry> list(String path) throws IOException;

    /** The target stored in the symbolic link at {@code path}, unresolved. */
    String readlink(String path) throws IOException;

    /**
     * The content of the regular file at {@code path} (following links) as a positional
     * {@link ByteSource}: any range can be read without reading what comes before it, so formats
     * read at random offsets (registry hives, ELF and PE headers) are parsed in place.
     */
    ByteSource open(String path) throws IOException;

    /** A stream of the file's content (following symbolic links). */
    default InputStream newInputStream(String path) throws IOException {
        return PositionalInputStream.of(open(path));
    }

    /** Attributes if the path exists, following links; empty if any component is missing. */
    default Optional<FileAttributes> find(String path) throws IOException {
        try {
            return Optional.of(stat(path));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        }
    }

    default boolean exists(String path) throws IOException {
        return find(path).isPresent();
    }

    default boolean isDirectory(String path) throws IOException {
        return find(path).map(FileAttributes::isDirectory).orElse(false);
    }

    default boolean isRegularFile(String path) throws IOException {
        return find(path).map(FileAttributes::isRegularFile).orElse(false);
    }

    /**
     * The whole content of a file, refusing files larger than {@code maxBytes} so that a hostile
     * size never becomes a huge allocation.
     */
    default byte[] readAllBytes(String path, long maxBytes) throws IOException {
        FileAttributes a = stat(path);
        if (a.size() > maxBytes || a.size() > Integer.MAX_VALUE - 8) {
            throw new FileTooLargeException(path, a.size(), maxBytes);
        }
        try (InputStream in = newInputStream(path)) {
            return in.readNBytes((int) a.size());
        }
    }

    /** {@link #readAllBytes} decoded as UTF-8 (malformed bytes replaced). */
    default String readString(String path, long maxBytes) throws IOException {
        return new String(readAllBytes(path, maxBytes), StandardCharsets.UTF_8);
    }

    @Override
    default void close() throws IOException {
    }
}
