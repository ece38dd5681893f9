package io.vhdflow.disk.fs;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.ByteSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A {@link NodeFilesystem} whose directories are a part of their own, given as a {@link NodeFilesystem.DirectoryTree}. */
class DirectoryTreeTest {

    /** Nodes are paths; directories hold what the map says. */
    private static final Map<String, List<String>> DIRS = Map.of("/", List.of("etc"), "/etc", List.of("hostname"));

    private static final NodeFilesystem.DirectoryTree<String> TREE = new NodeFilesystem.DirectoryTree<>() {
        @Override
        public FileType typeOf(String node) {
            return DIRS.containsKey(node) ? FileType.DIRECTORY : FileType.REGULAR;
        }

        @Override
        public Optional<String> child(String dir, String name) {
            return DIRS.getOrDefault(dir, List.of()).contains(name)
                    ? Optional.of(dir.equals("/") ? "/" + name : dir + "/" + name) : Optional.empty();
        }

        @Override
        public List<DirEntry> entries(String dir) {
            return DIRS.get(dir).stream().map(n -> new DirEntry(n, typeOf(dir.equals("/") ? "/" + n : dir + "/" + n), 0))
                    .toList();
        }
    };

    /** The node methods that are not the tree's. */
    private static class Paths extends NodeFilesystem<String> {
        Paths(DirectoryTree<String> tree) {
            super(PathSyntax.POSIX, tree);
        }

        Paths() {
            super(PathSyntax.POSIX);
        }

        @Override public String type() { return "paths"; }
        @Override public Optional<String> label() { return Optional.empty(); }
        @Override public Optional<String> uuid() { return Optional.empty(); }
        @Override protected String root() { return "/"; }
        @Override protected FileAttributes attributesOf(String n) throws java.io.IOException {
            return new FileAttributes(typeOf(n), n.length(), 0, 0, 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), 0, 1);
        }
        @Override protected String linkTarget(String link) { return ""; }
        @Override protected ByteSource content(String file, String path) {
            return new ByteArraySource(file.getBytes(StandardCharsets.UTF_8), path);
        }
    }

    @Test
    void pathsResolveAndListThroughTheTree() throws Exception {
        Paths fs = new Paths(TREE);
        assertEquals("/etc/hostname", fs.readString("/etc/../etc/hostname", 100));
        assertEquals(List.of(new DirEntry("hostname", FileType.REGULAR, 0)), fs.list("/etc"));
        assertEquals(FileType.DIRECTORY, fs.stat("/etc").type());
        assertThrows(NoSuchFileException.class, () -> fs.stat("/etc/passwd"));
    }

    @Test
    void aFilesystemWithNeitherATreeNorItsOwnDirectoryMethodsSaysSo() {
        Paths fs = new Paths();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fs.list("/"));
        assertEquals(true, e.getMessage().contains("DirectoryTree"), e.getMessage());
    }
}
