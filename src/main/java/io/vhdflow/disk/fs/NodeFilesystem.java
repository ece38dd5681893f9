package io.vhdflow.disk.fs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The path half of every {@link Filesystem}, written once: a format supplies its nodes (inodes,
 * MFT records, FAT directory entries, btrfs items) through the node methods below, and this class
 * turns paths into nodes with the same rules for all of them: {@code .}, {@code ..} never above
 * the root, absolute link targets against the root, at most {@link #MAX_SYMLINKS} links per
 * resolution, paths of at most {@link #MAX_PATH_LENGTH} characters. How names compare (case rules)
 * is the format's, in {@link #child}.
 *
 * <p>A format's reader is split in three: its on-disk structures, its directory traversal (an
 * index or a tree of directory blocks) and this node API. The traversal part implements
 * {@link DirectoryTree} and is handed to the constructor, which answers {@link #typeOf},
 * {@link #child} and {@link #entries} from it; the format itself supplies the rest.
 *
 * <p>{@link MountedView} is a {@code NodeFilesystem} too: it composes several by mount point, so
 * symbolic links that cross mounts resolve as the running system would resolve them.
 *
 * @param <N> the format's node type
 */
public abstract class NodeFilesystem<N> implements Filesystem {

    /** Same limit as Linux's {@code MAXSYMLINKS}: deeper chains are treated as a loop. */
    public static final int MAX_SYMLINKS = 40;

    /** Longest path accepted, in characters, like {@code PATH_MAX}. */
    public static final int MAX_PATH_LENGTH = 4096;

    /** Which characters separate names in a path. */
    public enum PathSyntax {
        /** '/' only: a backslash is an ordinary character of a name (ext4, XFS, btrfs). */
        POSIX,
        /** '/' and '\\' (NTFS, FAT). */
        WINDOWS
    }

    /**
     * A format's directory tree: what each node is, a directory's child by name (by the format's
     * own name rules) and its entries.
     */
    public interface DirectoryTree<N> {
        FileType typeOf(N node) throws IOException;

        Optional<N> child(N dir, String name) throws IOException;

        /** Without {@code .} and {@code ..}. */
        List<DirEntry> entries(N dir) throws IOException;
    }

    /** At most this many damaged structures are remembered: the evidence needs the first ones, not all. */
    static final int MAX_DAMAGED_READS = 64;

    private final PathSyntax syntax;
    private final Optional<DirectoryTree<N>> tree;
    // Every structure a read found damaged, by where it is: a check that meets one cannot run, and
    // G10 turns the list into the verdict's "cannot determine" even when that check only warns.
    private final LinkedHashMap<String, Finding> damagedReads = new LinkedHashMap<>();

    /** For a filesystem that overrides {@link #typeOf}, {@link #child} and {@link #entries} itself. */
    protected NodeFilesystem(PathSyntax syntax) {
        this.syntax = syntax;
        this.tree = Optional.empty();
    }

    /** For a filesystem whose {@code tree} answers {@link #typeOf}, {@link #child} and {@link #entries}. */
    protected NodeFilesystem(PathSyntax syntax, DirectoryTree<N> tree) {
        this.syntax = syntax;
        this.tree = Optional.of(tree);
    }

    // ------------------------------------------------------------------ the node API of a format

    /** The root directory. */
    protected abstract N root() throws IOException;

    /** The child named {@code name} of directory {@code dir}, by the format's own name rules; empty if none. */
    protected Optional<N> child(N dir, String name) throws IOException {
        return tree().child(dir, name);
    }

    protected FileType typeOf(N node) throws IOException {
        return tree().typeOf(node);
    }

    /** The entries of directory {@code dir}, without {@code .} and {@code ..}. */
    protected List<DirEntry> entries(N dir) throws IOException {
        return tree().entries(dir);
    }

    private DirectoryTree<N> tree() {
        return tree.orElseThrow(() -> new IllegalStateException(getClass().getName()
                + " gives no DirectoryTree, so it must override typeOf, child and entries"));
    }

    protected abstract FileAttributes attributesOf(N node) throws IOException;

    /** The target stored in symbolic link {@code link}, as stored. */
    protected abstract String linkTarget(N link) throws IOException;

    /**
     * The target to follow for {@code link}: as stored, unless the format maps it (NTFS maps
     * {@code \??\C:\dir} onto its own root). Refuses targets outside the filesystem with
     * {@link NoSuchFileException}.
     */
    protected String followedTarget(N link) throws IOException {
        return linkTarget(link);
    }

    /** The content of regular file {@code file}, readable at any position; {@code path} names it in errors. */
    protected abstract ByteSource content(N file, String path) throws IOException;

    // ------------------------------------------------------------------ the path API, once

    @Override
    public final FileAttributes stat(String path) throws IOException {
        return noting(() -> attributesOf(resolve(path, true)));
    }

    @Override
    public final FileAttributes lstat(String path) throws IOException {
        return noting(() -> attributesOf(resolve(path, false)));
    }

    @Override
    public final List<DirEntry> list(String path) throws IOException {
        return noting(() -> {
            N dir = resolve(path, true);
            if (typeOf(dir) != FileType.DIRECTORY) {
                throw new NotDirectoryException(path);
            }
            return entries(dir);
        });
    }

    @Override
    public final String readlink(String path) throws IOException {
        return noting(() -> {
            N node = resolve(path, false);
            if (typeOf(node) != FileType.SYMLINK) {
                throw new NotLinkException(path);
            }
            return linkTarget(node);
        });
    }

    @Override
    public final ByteSource open(String path) throws IOException {
        return noting(() -> {
            N node = resolve(path, true);
            FileType t = typeOf(node);
            if (t != FileType.REGULAR) {
                throw new FileSystemException(path, null, t == FileType.DIRECTORY ? "is a directory"
                        : "not a regular file (" + t + ")");
            }
            return noting(content(node, path));
        });
    }

    // ------------------------------------------------------------------ damage met while reading

    /** A read of this filesystem's structures. */
    @FunctionalInterface
    protected interface Read<T> {
        T get() throws IOException;
    }

    /**
     * Runs {@code read}, remembering the structure when it fails as damaged (corrupt or truncated):
     * the reader names the structure and its byte, and {@link #damagedReads()} keeps it for the
     * verdict, whoever caught the error.
     */
    protected final <T> T noting(Read<T> read) throws IOException {
        try {
            return read.get();
        } catch (DiskException e) {
            note(e);
            throw e;
        }
    }

    /** {@code content}, whose reads remember the structures they find damaged (an extent block met late). */
    protected final ByteSource noting(ByteSource content) {
        return new ByteSource() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public int read(long offset, ByteBuffer dst) throws IOException {
                return noting(() -> content.read(offset, dst));
            }

            @Override
            public String describe() {
                return content.describe();
            }

            @Override
            public void close() throws IOException {
                content.close();
            }
        };
    }

    private void note(DiskException e) {
        if (e.kind() != ErrorKind.CORRUPT && e.kind() != ErrorKind.TRUNCATED) {
            return;  // unsupported, a limit or an I/O error is not damage of the image
        }
        synchronized (damagedReads) {
            if (damagedReads.size() < MAX_DAMAGED_READS) {
                damagedReads.putIfAbsent(e.structure() + "@" + e.offset(),
                        new Finding(type() + ".damaged-structure", e.offset(), e.getMessage()));
            }
        }
    }

    /**
     * The structures reads of this filesystem found damaged (failed a checksum or a bound), in the
     * order met, at most {@value #MAX_DAMAGED_READS}: what the reader could not read for whoever
     * asked, so a check that met one and could not run is never the only one to know.
     */
    @Override
    public final List<Finding> damagedReads() {
        synchronized (damagedReads) {
            return List.copyOf(damagedReads.values());
        }
    }

    /**
     * The node {@code path} names.
     *
     * @param followLast whether a symbolic link in the last component is followed
     */
    protected final N resolve(String path, boolean followLast) throws IOException {
        if (path.length() > MAX_PATH_LENGTH) {
            throw new NoSuchFileException(path.substring(0, 64) + "...", null, "path longer than " + MAX_PATH_LENGTH);
        }
        int[] linksLeft = {MAX_SYMLINKS};
        Deque<N> stack = new ArrayDeque<>();
        stack.push(root());
        walk(split(path), stack, followLast, linksLeft, path);
        return stack.peek();
    }

    private void walk(List<String> parts, Deque<N> stack, boolean followLast, int[] linksLeft, String original)
            throws IOException {
        for (int i = 0; i < parts.size(); i++) {
            String name = parts.get(i);
            boolean last = i == parts.size() - 1;
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (stack.size() > 1) {
                    stack.pop();
                }
                continue;
            }
            N dir = stack.peek();
            if (typeOf(dir) != FileType.DIRECTORY) {
                throw new NotDirectoryException(original);
            }
            N child = child(dir, name).orElseThrow(() -> new NoSuchFileException(original));
            if (typeOf(child) == FileType.SYMLINK && (!last || followLast)) {
                if (--linksLeft[0] < 0) {
                    throw new FileSystemLoopException(original);
                }
                String target = followedTarget(child);
                if (target.isEmpty()) {
                    throw new NoSuchFileException(original, null, "empty symbolic link");
                }
                if (isAbsolute(target)) {
                    while (stack.size() > 1) {
                        stack.pop();
                    }
                }
                walk(split(target), stack, true, linksLeft, original);
            } else {
                stack.push(child);
            }
        }
    }

    private boolean isAbsolute(String p) {
        return p.startsWith("/") || (syntax == PathSyntax.WINDOWS && p.startsWith("\\"));
    }

    private List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            boolean sep = i == path.length() || path.charAt(i) == '/'
                    || (syntax == PathSyntax.WINDOWS && path.charAt(i) == '\\');
            if (sep) {
                if (i > start) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** Which characters separate names in this filesystem's paths. */
    public final PathSyntax syntax() {
        return syntax;
    }
}
