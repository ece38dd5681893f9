package io.vhdflow.disk.fs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A read-only filesystem inside an image, shaped like {@code java.nio.file.Files}. Paths are
 * absolute, '/'-separated strings ({@code "/etc/os-release"}); Windows filesystems match names
 * case-insensitively and also accept '\\'. Symbolic links are followed only inside the image:
 * an absolute target resolves against this filesystem's root, and a resolution that follows more
 * than {@link PathResolver#MAX_SYMLINKS} links fails with
 * {@link java.nio.file.FileSystemLoopException}.
 *
 * <p>Failures: a missing path is {@link java.nio.file.NoSuchFileException}; a non-directory
 * where a directory is needed is {@link java.nio.file.NotDirectoryException}; a corrupt structure
 * is {@link io.vhdflow.disk.DiskException}.
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
    default java.util.List<io.vhdflow.disk.Finding> findings() {
        return java.util.List.of();
    }

    /** Attributes of the file at {@code path}, following a final symbolic link. */
    FileAttributes attributes(String path) throws IOException;

    /** Attributes of the file at {@code path} itself, not following a final symbolic link. */
    FileAttributes linkAttributes(String path) throws IOException;

    /** The entries of the directory at {@code path}, without {@code .} and {@code ..}. */
    List<DirEntry> list(String path) throws IOException;

    /** A stream of the file's content (following symbolic links). */
    InputStream newInputStream(String path) throws IOException;

    /** The target stored in the symbolic link at {@code path}, unresolved. */
    String readSymbolicLink(String path) throws IOException;

    /** Attributes if the path exists, following links; empty if any component is missing. */
    default Optional<FileAttributes> find(String path) throws IOException {
        try {
            return Optional.of(attributes(path));
        } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
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
        FileAttributes a = attributes(path);
        if (a.size() > maxBytes || a.size() > Integer.MAX_VALUE - 8) {
            throw new FileTooLargeException(path, a.size(), maxBytes);
        }
        try (InputStream in = newInputStream(path)) {
            byte[] data = in.readNBytes((int) a.size());
            return data;
        }
    }

    /**
     * The file's content as a positional {@link io.vhdflow.disk.container.ByteSource}, for formats
     * read at random offsets (registry hives, ELF and PE headers). This default reads the file
     * into memory, refusing files over {@link #MAX_IN_MEMORY_FILE}; filesystems that can read at
     * any offset directly override it.
     */
    default io.vhdflow.disk.container.ByteSource openFile(String path) throws IOException {
        return new io.vhdflow.disk.container.ByteArraySource(readAllBytes(path, MAX_IN_MEMORY_FILE), path);
    }

    /** Largest file {@link #openFile}'s default reads into memory: 64 MiB. */
    long MAX_IN_MEMORY_FILE = 64L << 20;

    /** {@link #readAllBytes} decoded as UTF-8 (malformed bytes replaced). */
    default String readString(String path, long maxBytes) throws IOException {
        return new String(readAllBytes(path, maxBytes), StandardCharsets.UTF_8);
    }

    @Override
    default void close() throws IOException {
    }
}
