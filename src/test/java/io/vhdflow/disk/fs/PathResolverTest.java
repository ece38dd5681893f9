package io.vhdflow.disk.fs;

import org.junit.jupiter.api.Test;

import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PathResolverTest {

    /** A tiny in-memory tree: path -> type / link target. */
    private static final class Tree implements PathResolver.Nodes<String> {
        final Map<String, FileType> types = new HashMap<>();
        final Map<String, String> links = new HashMap<>();

        Tree dir(String p) { types.put(p, FileType.DIRECTORY); return this; }
        Tree file(String p) { types.put(p, FileType.REGULAR); return this; }
        Tree link(String p, String t) { types.put(p, FileType.SYMLINK); links.put(p, t); return this; }

        @Override public String root() { return "/"; }
        @Override public Optional<String> child(String dir, String name) {
            String p = dir.equals("/") ? "/" + name : dir + "/" + name;
            return types.containsKey(p) ? Optional.of(p) : Optional.empty();
        }
        @Override public FileType typeOf(String node) { return types.get(node); }
        @Override public String linkTarget(String link) { return links.get(link); }
    }

    private final Tree tree = new Tree().dir("/").dir("/etc").file("/etc/os-release").dir("/usr").dir("/usr/lib")
            .file("/usr/lib/os-release").link("/etc/rel", "../usr/lib/os-release")
            .link("/etc/abs", "/usr/lib/os-release").link("/etc/up", "../../../../etc/os-release")
            .link("/loop1", "/loop2").link("/loop2", "loop1");

    private final PathResolver<String> resolver = new PathResolver<>(tree, false);

    @Test
    void followsRelativeAndAbsoluteLinksInsideTheImage() throws Exception {
        assertEquals("/usr/lib/os-release", resolver.resolve("/etc/rel", true));
        assertEquals("/usr/lib/os-release", resolver.resolve("/etc/abs", true));
        assertEquals("/etc/abs", resolver.resolve("/etc/abs", false));
        assertEquals("/etc/os-release", resolver.resolve("/etc/up", true), "'..' never climbs above the root");
        assertEquals("/etc/os-release", resolver.resolve("//etc/./os-release", true));
    }

    @Test
    void loopsMissingFilesAndFilesUsedAsDirectoriesAreTypedErrors() {
        assertThrows(FileSystemLoopException.class, () -> resolver.resolve("/loop1", true));
        assertThrows(NoSuchFileException.class, () -> resolver.resolve("/etc/shadow", true));
        assertThrows(NotDirectoryException.class, () -> resolver.resolve("/etc/os-release/x", true));
    }

    @Test
    void backslashSeparatesOnlyOnWindowsFilesystems() throws Exception {
        PathResolver<String> win = new PathResolver<>(tree, true);
        assertEquals("/usr/lib/os-release", win.resolve("\\usr\\lib\\os-release", true));
        assertThrows(NoSuchFileException.class, () -> resolver.resolve("\\usr\\lib\\os-release", true));
    }
}
