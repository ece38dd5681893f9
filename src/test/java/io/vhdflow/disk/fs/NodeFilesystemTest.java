package io.vhdflow.disk.fs;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.ByteSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The path rules every filesystem gets from {@link NodeFilesystem}, on a tiny tree whose nodes are their paths. */
class NodeFilesystemTest {

    /** path -> type / link target; the node of a path is the path itself. */
    private static final class Tree extends NodeFilesystem<String> {
        final Map<String, FileType> types = new HashMap<>();
        final Map<String, String> links = new HashMap<>();

        Tree(PathSyntax syntax) {
            super(syntax);
        }

        Tree dir(String p) { types.put(p, FileType.DIRECTORY); return this; }
        Tree file(String p) { types.put(p, FileType.REGULAR); return this; }
        Tree link(String p, String t) { types.put(p, FileType.SYMLINK); links.put(p, t); return this; }

        @Override public String type() { return "tree"; }
        @Override public Optional<String> label() { return Optional.empty(); }
        @Override public Optional<String> uuid() { return Optional.empty(); }
        @Override protected String root() { return "/"; }
        @Override protected Optional<String> child(String dir, String name) {
            String p = dir.equals("/") ? "/" + name : dir + "/" + name;
            return types.containsKey(p) ? Optional.of(p) : Optional.empty();
        }
        @Override protected FileType typeOf(String node) { return types.get(node); }
        @Override protected List<DirEntry> entries(String dir) {
            return types.keySet().stream().filter(p -> !p.equals("/") && parent(p).equals(dir)).sorted()
                    .map(p -> new DirEntry(p.substring(p.lastIndexOf('/') + 1), types.get(p), p.hashCode())).toList();
        }
        @Override protected FileAttributes attributesOf(String n) {
            return new FileAttributes(types.get(n), n.length(), 0, 0, 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), n.hashCode(), 1);
        }
        @Override protected String linkTarget(String link) { return links.get(link); }
        @Override protected ByteSource content(String file, String path) {
            return new ByteArraySource(file.getBytes(StandardCharsets.UTF_8), path);
        }

        private static String parent(String p) {
            int i = p.lastIndexOf('/');
            return i == 0 ? "/" : p.substring(0, i);
        }
    }

    private static Tree tree(NodeFilesystem.PathSyntax syntax) {
        return new Tree(syntax).dir("/").dir("/etc").file("/etc/os-release").dir("/usr").dir("/usr/lib")
                .file("/usr/lib/os-release").link("/etc/rel", "../usr/lib/os-release")
                .link("/etc/abs", "/usr/lib/os-release").link("/etc/up", "../../../../etc/os-release")
                .link("/loop1", "/loop2").link("/loop2", "loop1");
    }

    private final Tree fs = tree(NodeFilesystem.PathSyntax.POSIX);

    @Test
    void followsRelativeAndAbsoluteLinksInsideTheImage() throws Exception {
        assertEquals("/usr/lib/os-release".length(), fs.stat("/etc/rel").size());
        assertEquals("/usr/lib/os-release", new String(fs.readAllBytes("/etc/abs", 100), StandardCharsets.UTF_8));
        assertEquals(FileType.SYMLINK, fs.lstat("/etc/abs").type());
        assertEquals("/usr/lib/os-release", fs.readlink("/etc/abs"));
        assertEquals("/etc/os-release", new String(fs.readAllBytes("/etc/up", 100), StandardCharsets.UTF_8),
                "'..' never climbs above the root");
        assertEquals("/etc/os-release", new String(fs.readAllBytes("//etc/./os-release", 100), StandardCharsets.UTF_8));
        assertEquals(List.of("abs", "os-release", "rel", "up"), fs.list("/etc").stream().map(DirEntry::name).toList());
    }

    @Test
    void loopsMissingFilesAndFilesUsedAsDirectoriesAreTypedErrors() {
        assertThrows(FileSystemLoopException.class, () -> fs.stat("/loop1"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/etc/shadow"));
        assertThrows(NotDirectoryException.class, () -> fs.stat("/etc/os-release/x"));
        assertThrows(NotDirectoryException.class, () -> fs.list("/etc/os-release"));
        assertThrows(NotLinkException.class, () -> fs.readlink("/etc/os-release"));
        assertThrows(FileSystemException.class, () -> fs.open("/etc"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/" + "a/".repeat(NodeFilesystem.MAX_PATH_LENGTH)));
    }

    @Test
    void backslashSeparatesOnlyOnWindowsFilesystems() throws Exception {
        Tree win = tree(NodeFilesystem.PathSyntax.WINDOWS);
        assertEquals(FileType.REGULAR, win.stat("\\usr\\lib\\os-release").type());
        assertThrows(NoSuchFileException.class, () -> fs.stat("\\usr\\lib\\os-release"));
    }
}
