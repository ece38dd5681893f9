package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Optional;

/**
 * Bounded reads from an image filesystem for the Linux checks: a missing path is an empty
 * result, never an exception; every read has a cap.
 */
final class FileReads {

    /** Cap for configuration and account files. */
    static final long CONFIG_CAP = 1024 * 1024;
    /** Cap on directory entries taken from one listing. */
    static final int MAX_ENTRIES = 10_000;

    private FileReads() {
    }

    /** The file's text when it exists and is a regular file (links followed); empty otherwise. */
    static Optional<String> text(Filesystem fs, String path, long cap) throws IOException {
        Optional<FileAttributes> a = fs.find(path);
        if (a.isEmpty() || !a.get().isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(fs.readString(path, cap));
    }

    /** Attributes of the path itself (a dangling symbolic link still counts), empty when absent. */
    static Optional<FileAttributes> lstat(Filesystem fs, String path) throws IOException {
        try {
            return Optional.of(fs.lstat(path));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        }
    }

    /** Entries of a directory, empty when it is absent or not a directory; at most {@link #MAX_ENTRIES}. */
    static List<DirEntry> list(Filesystem fs, String dir) throws IOException {
        if (!fs.isDirectory(dir)) {
            return List.of();
        }
        List<DirEntry> all = fs.list(dir);
        List<DirEntry> sorted = all.stream().limit(MAX_ENTRIES)
                .sorted(java.util.Comparator.comparing(DirEntry::name)).toList();
        return sorted;
    }

    /** The first {@code n} bytes of a file (fewer when it is shorter). */
    static byte[] head(Filesystem fs, String path, int n) throws IOException {
        try (InputStream in = fs.newInputStream(path)) {
            return in.readNBytes(n);
        }
    }

    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }
}
