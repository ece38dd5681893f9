package io.vhdflow.disk.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves '/'-separated paths over any filesystem made of nodes (inodes, MFT records, FAT
 * directory entries), following symbolic links only inside the image. Written once so every
 * filesystem gets the same rules: {@code .}, {@code ..} (never above the root), absolute link
 * targets against the image root, at most {@link #MAX_SYMLINKS} links per resolution.
 *
 * @param <N> the filesystem's node type
 */
public final class PathResolver<N> {

    /** Same limit as Linux's {@code MAXSYMLINKS}: deeper chains are treated as a loop. */
    public static final int MAX_SYMLINKS = 40;

    /** Longest path accepted, in characters, like {@code PATH_MAX}. */
    public static final int MAX_PATH_LENGTH = 4096;

    /** What the resolver needs from a filesystem. */
    public interface Nodes<N> {
        N root() throws IOException;

        /** The child named {@code name} of directory {@code dir}, or empty. */
        Optional<N> child(N dir, String name) throws IOException;

        FileType typeOf(N node) throws IOException;

        /** The raw target of a symbolic link node. */
        String linkTarget(N link) throws IOException;
    }

    private final Nodes<N> nodes;
    private final boolean acceptBackslash;

    /**
     * @param acceptBackslash true for Windows filesystems, where {@code \} also separates names
     */
    public PathResolver(Nodes<N> nodes, boolean acceptBackslash) {
        this.nodes = nodes;
        this.acceptBackslash = acceptBackslash;
    }

    /**
     * Resolves {@code path} to its node.
     *
     * @param followLast whether a symbolic link in the last component is followed
     */
    public N resolve(String path, boolean followLast) throws IOException {
        if (path.length() > MAX_PATH_LENGTH) {
            throw new NoSuchFileException(path.substring(0, 64) + "...", null, "path longer than " + MAX_PATH_LENGTH);
        }
        int[] linksLeft = {MAX_SYMLINKS};
        Deque<N> stack = new ArrayDeque<>();
        stack.push(nodes.root());
        walk(path, split(path), stack, followLast, linksLeft, path);
        return stack.peek();
    }

    private void walk(String shown, List<String> parts, Deque<N> stack, boolean followLast, int[] linksLeft,
                      String original) throws IOException {
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
            if (nodes.typeOf(dir) != FileType.DIRECTORY) {
                throw new NotDirectoryException(original);
            }
            N child = nodes.child(dir, name).orElseThrow(() -> new NoSuchFileException(original));
            if (nodes.typeOf(child) == FileType.SYMLINK && (!last || followLast)) {
                if (--linksLeft[0] < 0) {
                    throw new FileSystemLoopException(original);
                }
                String target = nodes.linkTarget(child);
                if (target.isEmpty()) {
                    throw new NoSuchFileException(original, null, "empty symbolic link");
                }
                if (isAbsolute(target)) {
                    while (stack.size() > 1) {
                        stack.pop();
                    }
                }
                walk(shown, split(target), stack, true, linksLeft, original);
            } else {
                stack.push(child);
            }
        }
    }

    private boolean isAbsolute(String p) {
        return p.startsWith("/") || (acceptBackslash && p.startsWith("\\"));
    }

    private List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            boolean sep = i == path.length() || path.charAt(i) == '/' || (acceptBackslash && path.charAt(i) == '\\');
            if (sep) {
                if (i > start) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }
}
